package io.egressproxy.cli.sandbox;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A Docker engine of the test's own for the real-engine launcher tests: {@code dockerd} with its own
 * data root, exec root and socket under a temp dir, no default bridge, no IP forwarding, masquerading
 * or iptables of its own (nothing a container sends leaves the machine), and a {@code docker}
 * wrapper script that names this daemon (passed to the launcher with {@code --docker}). Images are
 * built from files of this machine with {@code docker import}: no registry is needed. {@link #start}
 * skips the calling test (with the reason) without root, dockerd, docker, iptables or a static
 * busybox. {@link #close} stops dockerd and removes the temp dir. One per test class.
 */
final class RealDockerEngine implements AutoCloseable {
    /** The outcome of a command. */
    record Result(int code, String out, String err) {
    }

    private final Path root;
    private final Process dockerd;
    private final Path dockerWrapper;
    private final String iptables;

    private RealDockerEngine(Path root, Process dockerd, Path dockerWrapper, String iptables) {
        this.root = root;
        this.dockerd = dockerd;
        this.dockerWrapper = dockerWrapper;
        this.iptables = iptables;
    }

    static RealDockerEngine start() throws Exception {
        assumeTrue(isRoot(), "skipped: needs root (starts dockerd and adds iptables rules)");
        Optional<String> dockerdBin = onPath("dockerd");
        Optional<String> dockerBin = onPath("docker");
        Optional<String> iptablesBin = onPath("iptables");
        assumeTrue(dockerdBin.isPresent(), "skipped: dockerd is not installed (Debian: apt-get install docker.io)");
        assumeTrue(dockerBin.isPresent(), "skipped: the docker client is not installed");
        assumeTrue(iptablesBin.isPresent(), "skipped: iptables is not installed");
        assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "skipped: /bin/busybox is missing (apt-get install busybox-static)");

        Path root = Files.createTempDirectory("ep-dockerd");
        Path sock = root.resolve("docker.sock");
        List<String> argv = List.of(dockerdBin.get(), "--data-root", root.resolve("data").toString(),
                "--exec-root", root.resolve("exec").toString(), "--host", "unix://" + sock,
                "--pidfile", root.resolve("docker.pid").toString(), "--bridge=none", "--ip-forward=false",
                "--ip-masq=false", "--iptables=false");
        Process dockerd = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(root.resolve("dockerd.log").toFile()).start();

        // The launcher runs `docker` with its own environment; the documented --docker FILE option
        // points it at this wrapper, which names our daemon instead.
        Files.createDirectories(root.resolve("client"));
        Path wrapper = root.resolve("docker");
        Files.writeString(wrapper, "#!/bin/sh\nexport DOCKER_HOST='unix://" + sock + "'\nexport DOCKER_CONFIG='"
                + root.resolve("client") + "'\nexec '" + dockerBin.get() + "' \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        RealDockerEngine engine = new RealDockerEngine(root, dockerd, wrapper, iptablesBin.get());

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (run(List.of(wrapper.toString(), "version", "--format", "{{.Server.Version}}")).code != 0) {
            if (!dockerd.isAlive() || System.nanoTime() > deadline) {
                engine.close();
                throw new IllegalStateException("dockerd did not start; its log:\n" + Files.readString(root.resolve("dockerd.log")));
            }
            Thread.sleep(250);
        }
        return engine;
    }

    Path root() {
        return root;
    }

    Path dockerWrapper() {
        return dockerWrapper;
    }

    /**
     * A root file system with a static busybox, these applets, and empty /tmp and /etc; add files
     * to it before {@link #importImage}.
     */
    Path busyboxRootfs(String name, List<String> applets) throws Exception {
        Path rootfs = root.resolve(name);
        Files.createDirectories(rootfs.resolve("bin"));
        Files.createDirectories(rootfs.resolve("tmp"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
        for (String applet : applets) {
            Files.createSymbolicLink(rootfs.resolve("bin/" + applet), Path.of("busybox"));
        }
        return rootfs;
    }

    /** Imports {@code rootfs} as image {@code tag} whose default command is {@code cmdJson}. */
    void importImage(Path rootfs, String tag, String cmdJson) throws Exception {
        Result tar = run(List.of("tar", "-C", rootfs.toString(), "-cf", rootfs + ".tar", "."));
        assertThat(tar.code).as(tar.err).isZero();
        docker("import", "--change", "CMD " + cmdJson, rootfs + ".tar", tag);
    }

    /** docker (our daemon) with these args; fails the test on a non-zero exit. */
    String docker(String... args) throws Exception {
        Result r = dockerResult(args);
        assertThat(r.code).as("docker %s: %s", List.of(args), r.err).isZero();
        return r.out;
    }

    /** docker (our daemon) with these args, whatever its exit code. */
    Result dockerResult(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(dockerWrapper.toString()));
        argv.addAll(List.of(args));
        return run(argv);
    }

    /** Every iptables rule, in any table, that names the sandbox's comment or bridge interface. */
    List<String> iptablesRules(String sandbox) throws Exception {
        List<String> rules = new ArrayList<>();
        for (String table : List.of("filter", "nat", "raw", "mangle")) {
            Result r = run(List.of(iptables, "-w", "5", "-t", table, "-S"));
            assertThat(r.code).as(r.err).isZero();
            r.out.lines().filter(l -> l.contains(FirewallArgs.comment(sandbox))
                    || l.contains(DockerArgs.bridgeInterface(sandbox))).forEach(rules::add);
        }
        return rules;
    }

    /** Runs {@code argv} (stdin empty) for at most 60 s. */
    static Result run(List<String> argv) throws Exception {
        Path out = Files.createTempFile("ep-e2e", ".out");
        Path err = Files.createTempFile("ep-e2e", ".err");
        try {
            Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(argv + " did not finish within 60s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** An executable on PATH or in the usual system directories. */
    static Optional<String> onPath(String command) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, command))
                .filter(Files::isExecutable).map(Path::toString).findFirst();
    }

    private static boolean isRoot() {
        try {
            return run(List.of("id", "-u")).out.strip().equals("0");
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() throws Exception {
        dockerd.destroy(); // SIGTERM: dockerd stops containers, removes its bridges and unmounts
        if (!dockerd.waitFor(30, TimeUnit.SECONDS)) {
            dockerd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        // Anything dockerd left mounted under the temp dir (it should leave nothing).
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            String mountPoint = line.split(" ")[1];
            if (mountPoint.startsWith(root.toString())) {
                run(List.of("umount", "-l", mountPoint));
            }
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
