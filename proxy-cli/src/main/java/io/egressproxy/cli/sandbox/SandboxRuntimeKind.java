package io.egressproxy.cli.sandbox;

/** Where a sandbox runs: a container on the local engine, or a Docker Desktop {@code docker sandbox} micro-VM. */
public enum SandboxRuntimeKind {
    DOCKER("docker"), DOCKER_SANDBOX("docker-sandbox");

    private final String label;

    SandboxRuntimeKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** {@code docker} or {@code docker-sandbox}. */
    public static SandboxRuntimeKind parse(String text) {
        for (SandboxRuntimeKind kind : values()) {
            if (kind.label.equalsIgnoreCase(text) || kind.name().equalsIgnoreCase(text)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("--runtime '" + text + "' is not docker or docker-sandbox");
    }
}
