package io.egressproxy.cli.sandbox;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything {@code sandbox run} was asked for, as a value. Immutable.
 *
 * @param env       extra {@code K=V} for the sandbox, applied after the proxy's own variables
 * @param volumes   {@code SRC:DST[:ro]}
 * @param workspace mounted at {@code /workspace} (docker) or at its own path (docker sandbox); null = none
 *                  (docker) or the current directory (docker sandbox, which requires one)
 * @param command   what to attach to (or start detached); empty = a shell ({@code sh})
 */
public record SandboxSpec(String name, String image, SandboxRuntimeKind runtime, List<String> allow, List<String> block,
                          List<BridgeRoute> bridges, List<String> env, List<String> volumes, Path workspace,
                          boolean detach, List<String> command) {
    public SandboxSpec {
        SandboxNames.check(name);
        if (image == null || image.isBlank() || image.startsWith("-") || image.chars().anyMatch(Character::isWhitespace)) {
            // it lands where `docker run` still reads options: --image --privileged must not become one
            throw new IllegalArgumentException("--image '" + image + "' is not an image reference (e.g. busybox:latest);"
                    + " it must not be empty, start with '-' or contain spaces");
        }
        allow = List.copyOf(allow);
        block = List.copyOf(block);
        bridges = List.copyOf(bridges);
        env = List.copyOf(env);
        volumes = List.copyOf(volumes);
        command = List.copyOf(command);
        for (String e : env) {
            if (e.indexOf('=') <= 0) {
                throw new IllegalArgumentException("-e '" + e + "' is not K=V");
            }
            if (!e.substring(0, e.indexOf('=')).matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("-e '" + e.substring(0, e.indexOf('=')) + "=…': a variable name is letters,"
                        + " digits and _, not starting with a digit (a shell could not read any other)");
            }
        }
    }

    /** The command to run, a shell when none was given. */
    public List<String> commandOrShell() {
        return command.isEmpty() ? List.of("sh") : command;
    }
}
