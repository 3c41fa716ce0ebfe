package io.egressproxy.cli.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pure functions that build each {@code docker sandbox} argv (Docker Desktop's micro-VMs). The VM
 * reaches the network only through Docker's own filtering proxy; the launcher sets that to deny
 * everything but this proxy's per-sandbox port on the host, and points the sandbox's proxy
 * variables at that port. Docker sandboxes take no {@code -e} at creation, so the environment is
 * given on every {@code exec}.
 */
public final class DockerSandboxArgs {
    /** Where the egress-proxy jar is copied inside the VM (for the bridge). */
    public static final String JAR_IN_SANDBOX = "/tmp/egress-proxy/egress-proxy.jar";

    private DockerSandboxArgs() {
    }

    /** A sandbox from {@code image} with the {@code shell} agent; workspaces appear at their host paths. */
    public static List<String> create(String sandbox, String image, String workspace, List<String> extraWorkspaces) {
        List<String> argv = new ArrayList<>(List.of("docker", "sandbox", "create", "--name", sandbox, "-t", image, "shell", workspace));
        argv.addAll(extraWorkspaces);
        return argv;
    }

    /** Docker's proxy for this sandbox: deny everything but {@code localhost:PORT} (this proxy's listener for it). */
    public static List<String> denyAllButProxy(String sandbox, int port) {
        return List.of("docker", "sandbox", "network", "proxy", sandbox, "--policy", "deny", "--allow-host", "localhost:" + port);
    }

    /**
     * {@code docker sandbox exec} with the environment.
     *
     * @param mode "-d" (detached), "-i" (stdin, no terminal), "-it" (interactive terminal) or null (none)
     * @param root run as root (to install the CA)
     */
    public static List<String> exec(String sandbox, String mode, boolean root, Map<String, String> env, List<String> command) {
        List<String> argv = new ArrayList<>(List.of("docker", "sandbox", "exec"));
        if (mode != null) {
            argv.add(mode);
        }
        if (root) {
            argv.addAll(List.of("-u", "root"));
        }
        env.forEach((k, v) -> {
            argv.add("-e");
            argv.add(k + "=" + v);
        });
        argv.add(sandbox);
        argv.addAll(command);
        return argv;
    }

    /** Writes the CA from stdin and makes it trusted. */
    public static List<String> installCa(String sandbox) {
        return exec(sandbox, "-i", true, Map.of(), List.of("sh", "-c", SandboxEnvironment.CA_INSTALL_SCRIPT));
    }

    /** Writes the Java trust store from stdin to {@link SandboxEnvironment#JAVA_TRUST_STORE}, readable by all. */
    public static List<String> copyTrustStore(String sandbox) {
        String file = SandboxEnvironment.JAVA_TRUST_STORE;
        return exec(sandbox, "-i", true, Map.of(), List.of("sh", "-c",
                "mkdir -p " + file.substring(0, file.lastIndexOf('/')) + " && cat > " + file + " && chmod 644 " + file));
    }

    /** Exits 0 when the image has a JVM on PATH. */
    public static List<String> hasJava(String sandbox) {
        return exec(sandbox, null, false, Map.of(), List.of("sh", "-c", "command -v java"));
    }

    /** Writes the jar from stdin to {@link #JAR_IN_SANDBOX}. */
    public static List<String> copyJar(String sandbox) {
        return exec(sandbox, "-i", false, Map.of(), List.of("sh", "-c",
                "mkdir -p /tmp/egress-proxy && cat > " + JAR_IN_SANDBOX));
    }

    /** One bridge process for all routes, detached, through the proxy in HTTP_PROXY. */
    public static List<String> bridge(String sandbox, Map<String, String> env, List<BridgeRoute> routes) {
        List<String> command = new ArrayList<>(List.of("java", "-jar", JAR_IN_SANDBOX, "bridge"));
        for (BridgeRoute route : routes) {
            command.add("--route");
            command.add(route.toString());
        }
        return exec(sandbox, "-d", false, env, command);
    }

    public static List<String> remove(String sandbox) {
        return List.of("docker", "sandbox", "rm", sandbox);
    }

    public static List<String> list() {
        return List.of("docker", "sandbox", "ls");
    }
}
