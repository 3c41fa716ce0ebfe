package io.egressproxy.cli.sandbox;

import java.util.List;

/** The Docker labels that mark what the launcher created, so {@code ls} and {@code rm} find it again. */
public final class Labels {
    /** Its value is the sandbox name. */
    public static final String SANDBOX = "io.egressproxy.sandbox";
    /** docker or docker-sandbox. */
    public static final String RUNTIME = "io.egressproxy.runtime";

    private Labels() {
    }

    /** {@code --label K=V} pairs for one sandbox's container and network. */
    static List<String> args(String name) {
        return List.of("--label", SANDBOX + "=" + name, "--label", RUNTIME + "=" + SandboxRuntimeKind.DOCKER.label());
    }
}
