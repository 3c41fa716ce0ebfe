package io.egressproxy.cli.sandbox;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * One {@code -v SRC:DST[:ro|rw]}: a host path bind-mounted into the sandbox. Immutable.
 *
 * <p>Checked on the host before anything is created, because docker's own reading of a bad
 * {@code -v} is silent and surprising: a missing source becomes an empty root-owned directory
 * made on the host, and a relative one ({@code data:/data}) becomes a named volume. Here a
 * relative source is a path from the current directory, as a user typing it means.
 *
 * @param source      absolute, normalized, existing host path
 * @param destination absolute, normalized path inside the sandbox, covering nothing the launcher puts there
 */
public record BindMount(Path source, String destination, boolean readOnly) {
    /** What the launcher itself mounts or writes inside a sandbox: a user mount must not cover them. */
    private static final java.util.List<String> LAUNCHER_PATHS = java.util.List.of(SandboxEnvironment.CA_FILE,
            SandboxEnvironment.JAVA_TRUST_STORE, SandboxEnvironment.SYSTEM_BUNDLE, DockerArgs.JAR_IN_CONTAINER,
            DockerSandboxArgs.JAR_IN_SANDBOX);

    /** Parses and checks {@code text}; a relative source is resolved against {@code workingDir}. */
    public static BindMount parse(String text, Path workingDir) {
        String[] parts = text.split(":", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw invalid(text, "write SRC:DST or SRC:DST:ro, e.g. -v ./docs:/docs:ro");
        }
        if (parts.length == 3 && !parts[2].equals("ro") && !parts[2].equals("rw")) {
            throw invalid(text, "the mode '" + parts[2] + "' is neither ro nor rw");
        }
        if (!parts[1].startsWith("/")) {
            throw invalid(text, "the destination '" + parts[1] + "' is not an absolute path inside the sandbox");
        }
        String destination = Path.of(parts[1]).normalize().toString(); // "/data/../etc" is /etc
        if (destination.equals("/")) {
            throw invalid(text, "the destination is the sandbox's root directory; mount somewhere below it, e.g. /data");
        }
        for (String own : LAUNCHER_PATHS) {
            if (own.equals(destination) || own.startsWith(destination + "/") || destination.startsWith(own + "/")) {
                throw invalid(text, "the destination " + destination + " would cover " + own + ", which the launcher"
                        + " puts there (the proxy's CA, trust store or bridge) and which docker would then create in"
                        + " your host directory; mount somewhere else, e.g. /data");
            }
        }
        Path source;
        try {
            source = workingDir.resolve(parts[0]).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw invalid(text, "the source is not a host path: " + e.getReason());
        }
        if (!Files.exists(source)) {
            throw invalid(text, "the host path " + source + " does not exist; create it first"
                    + " (docker would make an empty root-owned directory there)");
        }
        return new BindMount(source, destination, parts.length == 3 && parts[2].equals("ro"));
    }

    /** Checks {@code --workspace DIR}: an existing directory, made absolute from {@code workingDir}. */
    public static Path workspace(Path dir, Path workingDir) {
        Path absolute = workingDir.resolve(dir).toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new IllegalArgumentException("--workspace " + dir + ": " + absolute
                    + (Files.exists(absolute) ? " is not a directory" : " does not exist; create it first"));
        }
        return absolute;
    }

    private static IllegalArgumentException invalid(String text, String problem) {
        return new IllegalArgumentException("-v '" + text + "': " + problem);
    }

    /** The form docker takes: {@code /abs/src:/dst} or {@code /abs/src:/dst:ro}. */
    @Override
    public String toString() {
        return source + ":" + destination + (readOnly ? ":ro" : "");
    }
}
