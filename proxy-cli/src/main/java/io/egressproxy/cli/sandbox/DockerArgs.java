package io.egressproxy.cli.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Pure functions that build each {@code docker} argv the container runtime uses. No I/O; every
 * function is unit-tested, and {@link DockerCli} runs the result.
 */
public final class DockerArgs {
    /** Where the egress-proxy jar is mounted read-only (for the bridge). */
    public static final String JAR_IN_CONTAINER = "/opt/egress-proxy/egress-proxy.jar";
    /** Keeps the container alive so that bridges can start before the command; TERM ends it at once. */
    static final String KEEP_ALIVE = "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done";

    private DockerArgs() {
    }

    /** The per-sandbox network's name. */
    public static String networkName(String sandbox) {
        return "egress-proxy-" + sandbox;
    }

    /** The host bridge interface's name: fixed so that firewall rules can name it (at most 15 characters). */
    public static String bridgeInterface(String sandbox) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sandbox.getBytes(StandardCharsets.UTF_8));
            return "ep-" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Ids of every network, to learn which subnets are taken. */
    public static List<String> networkIds() {
        return List.of("docker", "network", "ls", "-q");
    }

    /** Each network's subnets, space-separated, one network per line. */
    public static List<String> networkSubnets(List<String> ids) {
        List<String> argv = new ArrayList<>(List.of("docker", "network", "inspect", "--format",
                "{{range .IPAM.Config}}{{.Subnet}} {{end}}"));
        argv.addAll(ids);
        return argv;
    }

    /** An internal network (no route out) with its own subnet, a known bridge interface and labels. */
    public static List<String> networkCreate(String sandbox, Subnet subnet) {
        List<String> argv = new ArrayList<>(List.of("docker", "network", "create", "--driver", "bridge", "--internal",
                "--subnet", subnet.cidr(), "--gateway", subnet.gateway(),
                "--opt", "com.docker.network.bridge.name=" + bridgeInterface(sandbox)));
        argv.addAll(Labels.args(sandbox));
        argv.add(networkName(sandbox));
        return argv;
    }

    /**
     * The container, detached, kept alive by a shell loop (the command is started with {@code exec}
     * once the CA is trusted and the bridges run).
     *
     * @param caFile host path of the CA certificate, mounted read-only at {@link SandboxEnvironment#CA_FILE}
     * @param trustStore host path of the Java trust store, mounted read-only at {@link SandboxEnvironment#JAVA_TRUST_STORE}
     * @param jar    host path of the egress-proxy jar, mounted for the bridge; null = not mounted
     */
    public static List<String> run(SandboxSpec spec, String gateway, Map<String, String> env, String caFile,
                                   String trustStore, String jar) {
        List<String> argv = new ArrayList<>(List.of("docker", "run", "-d", "--name", spec.name(), "--hostname", spec.name(),
                "--network", networkName(spec.name()), "--add-host", "host.docker.internal:" + gateway));
        argv.addAll(Labels.args(spec.name()));
        env.forEach((k, v) -> {
            argv.add("-e");
            argv.add(k + "=" + v);
        });
        argv.add("-v");
        argv.add(caFile + ":" + SandboxEnvironment.CA_FILE + ":ro");
        argv.add("-v");
        argv.add(trustStore + ":" + SandboxEnvironment.JAVA_TRUST_STORE + ":ro");
        if (jar != null) {
            argv.add("-v");
            argv.add(jar + ":" + JAR_IN_CONTAINER + ":ro");
        }
        for (String volume : spec.volumes()) {
            argv.add("-v");
            argv.add(volume);
        }
        if (spec.workspace() != null) {
            argv.addAll(List.of("-v", spec.workspace().toAbsolutePath() + ":/workspace", "-w", "/workspace"));
        }
        argv.addAll(List.of("--entrypoint", "/bin/sh", spec.image(), "-c", KEEP_ALIVE));
        return argv;
    }

    /** Makes the CA trusted, as root (see {@link SandboxEnvironment#CA_INSTALL_SCRIPT}). */
    public static List<String> installCa(String sandbox) {
        return List.of("docker", "exec", "-u", "0", sandbox, "/bin/sh", "-c", SandboxEnvironment.CA_INSTALL_SCRIPT);
    }

    /** Exits 0 when the image has a JVM on PATH. */
    public static List<String> hasJava(String sandbox) {
        return List.of("docker", "exec", sandbox, "/bin/sh", "-c", "command -v java");
    }

    /** One bridge process for all routes, in the background, through the proxy in HTTP_PROXY. */
    public static List<String> bridge(String sandbox, List<BridgeRoute> routes) {
        List<String> argv = new ArrayList<>(List.of("docker", "exec", "-d", sandbox, "java", "-jar", JAR_IN_CONTAINER, "bridge"));
        for (BridgeRoute route : routes) {
            argv.add("--route");
            argv.add(route.toString());
        }
        return argv;
    }

    /** Runs {@code command} in the sandbox: attached ({@code -i}, and {@code -t} at a terminal) or detached. */
    public static List<String> exec(String sandbox, List<String> command, boolean detach, boolean tty) {
        List<String> argv = new ArrayList<>(List.of("docker", "exec"));
        if (detach) {
            argv.add("-d");
        } else {
            argv.add("-i");
            if (tty) {
                argv.add("-t");
            }
        }
        argv.add(sandbox);
        argv.addAll(command);
        return argv;
    }

    /** Ids of the sandbox's containers (running or not). */
    public static List<String> containersOf(String sandbox) {
        return List.of("docker", "ps", "-aq", "--filter", "label=" + Labels.SANDBOX + "=" + sandbox);
    }

    /** Ids of the sandbox's networks. */
    public static List<String> networksOf(String sandbox) {
        return List.of("docker", "network", "ls", "-q", "--filter", "label=" + Labels.SANDBOX + "=" + sandbox);
    }

    /** Removes containers by id or name, running or not. */
    public static List<String> removeContainers(List<String> ids) {
        List<String> argv = new ArrayList<>(List.of("docker", "rm", "-f"));
        argv.addAll(ids);
        return argv;
    }

    /** Removes networks by id or name. */
    public static List<String> removeNetworks(List<String> ids) {
        List<String> argv = new ArrayList<>(List.of("docker", "network", "rm"));
        argv.addAll(ids);
        return argv;
    }

    /** The container's {@link Labels#SANDBOX} label (empty when it has none); fails when there is no such container. */
    public static List<String> sandboxLabel(String container) {
        return List.of("docker", "inspect", "--type", "container", "--format",
                "{{index .Config.Labels \"" + Labels.SANDBOX + "\"}}", container);
    }

    /** Exits 0 when the image is on this engine. */
    public static List<String> imageInspect(String image) {
        return List.of("docker", "image", "inspect", "--format", "{{.Id}}", image);
    }

    /** Fetches the image from its registry. */
    public static List<String> pull(String image) {
        return List.of("docker", "pull", image);
    }

    /** The container's name with docker's leading {@code /}; fails when there is no such container. */
    public static List<String> containerName(String container) {
        return List.of("docker", "inspect", "--type", "container", "--format", "{{.Name}}", container);
    }

    /** Every launcher container: name, status, image, tab-separated. */
    public static List<String> list() {
        return List.of("docker", "ps", "-a", "--filter", "label=" + Labels.SANDBOX,
                "--format", "{{.Label \"" + Labels.SANDBOX + "\"}}\t{{.Status}}\t{{.Image}}");
    }
}
