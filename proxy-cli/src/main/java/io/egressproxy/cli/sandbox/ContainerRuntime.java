package io.egressproxy.cli.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sandboxes as containers on the local Docker engine: a per-sandbox {@code --internal} network, the
 * proxy listening on that network's gateway for this sandbox only, host firewall rules that leave
 * the container nothing else on the host, and the container with the proxy environment and the CA.
 * Used by one thread.
 */
final class ContainerRuntime implements SandboxRuntime {
    private final LaunchContext ctx;

    ContainerRuntime(LaunchContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public boolean exists(String name) throws Exception {
        if (!LaunchContext.lines(ctx.docker().run(DockerArgs.containersOf(name))).isEmpty()) {
            return true;
        }
        // A container of that name that the launcher did not make: `docker run` would fail on the
        // name only after the network and rules exist, and it is not ours to remove.
        if (nameTaken(name)) {
            throw new IllegalArgumentException("a container named " + name + " already exists and is not a sandbox of"
                    + " this launcher; pick another NAME, or remove that container first (docker rm " + name + ")");
        }
        return false;
    }

    /**
     * The image must be on this engine, or be pulled now: `docker run` would otherwise pull it (or
     * fail to) only after the network, listener and rules exist.
     */
    @Override
    public void precheck(SandboxSpec spec) throws DockerException {
        if (ctx.docker().probe(DockerArgs.imageInspect(spec.image()))) {
            return;
        }
        try {
            ctx.docker().run(DockerArgs.pull(spec.image()));
        } catch (DockerException e) {
            throw new DockerException(e.command(), e.exitCode(), e.stderr().strip() + " (image " + spec.image()
                    + " is not on this Docker engine and could not be pulled: build it, `docker load` or `docker import`"
                    + " it, or name an image that is here; `docker image ls` lists them)");
        }
    }

    private boolean nameTaken(String name) throws DockerException {
        try {
            // inspect also matches an id prefix: only the exact name counts
            return ctx.docker().run(DockerArgs.containerName(name)).strip().equals("/" + name);
        } catch (DockerException e) {
            if (e.stderr().toLowerCase(java.util.Locale.ROOT).contains("no such")) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void create(SandboxSpec spec, Rollback rollback) throws Exception {
        Docker docker = ctx.docker();
        String name = spec.name();
        List<String> used = new ArrayList<>(dockerSubnets());
        String hostUnknown = addHostSubnets(used);
        Subnet subnet = ctx.pool().next(used);
        if (hostUnknown != null) {
            ctx.err().println("WARNING: overlaps with host routes could not be checked (" + hostUnknown + "): if "
                    + subnet.cidr() + " is a LAN or VPN subnet of this host, pick a pool it does not use with " + SubnetPool.SETTING);
        }
        String network = DockerArgs.networkName(name);
        docker.run(DockerArgs.networkCreate(name, subnet));
        rollback.created("network " + network, () -> docker.run(DockerArgs.removeNetworks(List.of(network))));

        String listen = ctx.admin().openListener(name, subnet.gateway() + ":0");
        rollback.created("proxy listener " + listen, () -> ctx.admin().closeListener(name));
        int port = LaunchContext.port(listen);

        addFirewallRules(name, subnet.gateway(), port, rollback);

        Map<String, String> env = SandboxEnvironment.build("host.docker.internal", port, ctx.placeholders(), spec.env());
        // Recorded before `docker run`: it can fail after creating the container (found on a real
        // engine: an image without /bin/sh leaves it in state Created), and that one must go too.
        // The undo removes whatever carries the sandbox's label, so it is fine if none was created.
        rollback.created("container " + name, () -> removeContainers(name));
        docker.run(DockerArgs.run(spec, subnet.gateway(), env, ctx.caFile().toString(),
                ctx.trustStore().toString(), ctx.jar() == null ? null : ctx.jar().toString()));
        docker.run(DockerArgs.installCa(name));

        if (!spec.bridges().isEmpty()) {
            startBridges(spec, port);
        }
        ctx.store().save(new SandboxStore.Entry(name, SandboxRuntimeKind.DOCKER, port, spec.env()));
        ctx.err().println("sandbox " + name + ": network " + network + " (" + subnet.cidr() + "), proxy "
                + "http://host.docker.internal:" + port + " (" + listen + " on the host)");
    }

    private List<String> dockerSubnets() throws DockerException {
        List<String> ids = LaunchContext.lines(ctx.docker().run(DockerArgs.networkIds()));
        if (ids.isEmpty()) {
            return List.of();
        }
        List<String> used = new ArrayList<>();
        for (String line : LaunchContext.lines(ctx.docker().run(DockerArgs.networkSubnets(ids)))) {
            used.addAll(List.of(line.split("\\s+")));
        }
        return used;
    }

    /**
     * Adds the subnets of the host's routes and addresses to {@code used}. When {@code ip} cannot tell
     * (not installed, as on some minimal hosts, or it failed) the launch still goes on with Docker's
     * subnets, and this returns why, on one line, for the warning; null when all was read.
     */
    private String addHostSubnets(List<String> used) {
        try {
            used.addAll(HostSubnets.fromRoutes(ctx.docker().run(HostSubnets.routes())));
            used.addAll(HostSubnets.fromAddresses(ctx.docker().run(HostSubnets.addresses())));
            return null;
        } catch (DockerException e) {
            return e.getMessage().replaceAll("\\s+", " ").strip();
        }
    }

    private void addFirewallRules(String name, String gateway, int port, Rollback rollback) throws DockerException {
        if (!ctx.docker().probe(FirewallArgs.check())) {
            ctx.err().println("WARNING: cannot add host firewall rules (iptables is missing or this user may not use it):"
                    + " the container can reach every port the host listens on at " + gateway
                    + ", not only the proxy's " + port + ". Run as root with iptables installed to close that.");
            return;
        }
        rollback.created("firewall rules for " + name, () -> removeFirewallRules(name));
        for (List<String> rule : FirewallArgs.add(name, gateway, port)) {
            ctx.docker().run(rule);
        }
    }

    /** Removes the sandbox's containers (found by label), running or not; none is fine. */
    private void removeContainers(String name) throws DockerException {
        List<String> containers = LaunchContext.lines(ctx.docker().run(DockerArgs.containersOf(name)));
        if (!containers.isEmpty()) {
            ctx.docker().run(DockerArgs.removeContainers(containers));
        }
    }

    private void removeFirewallRules(String name) throws DockerException {
        if (!ctx.docker().probe(FirewallArgs.check())) {
            return;
        }
        for (String chain : List.of("INPUT", "FORWARD")) {
            for (List<String> removal : FirewallArgs.removals(name, ctx.docker().run(FirewallArgs.list(chain)))) {
                ctx.docker().run(removal);
            }
        }
    }

    private void startBridges(SandboxSpec spec, int port) throws DockerException {
        String routes = spec.bridges().toString();
        if (ctx.jar() == null) {
            ctx.err().println("WARNING: bridges " + routes + " not started: this egress-proxy is not running from its jar;"
                    + " run egress-proxy.jar (or pass --jar) to start bridges");
        } else if (!ctx.docker().probe(DockerArgs.hasJava(spec.name()))) {
            ctx.err().println(noJvm(routes, port));
        } else {
            ctx.docker().run(DockerArgs.bridge(spec.name(), spec.bridges()));
        }
    }

    static String noJvm(String routes, int port) {
        return "WARNING: bridges " + routes + " not started: the image has no `java` on PATH."
                + " Use an image with a Java 17+ runtime, or run a TCP forwarder of your own inside the sandbox that"
                + " reaches each target with CONNECT through http://host.docker.internal:" + port
                + " (e.g. socat TCP-LISTEN:PORT,fork PROXY:host.docker.internal:TARGET_HOST:TARGET_PORT,proxyport=" + port + ")";
    }

    @Override
    public void requireSandbox(String name) throws Exception {
        String label;
        try {
            label = ctx.docker().run(DockerArgs.sandboxLabel(name)).strip();
        } catch (DockerException e) {
            if (!e.stderr().toLowerCase(java.util.Locale.ROOT).contains("no such")) {
                throw e;
            }
            throw new NoSuchSandboxException("no sandbox " + name + ": there is no container of that name;"
                    + " `egress-proxy sandbox ls` lists the sandboxes");
        }
        if (!label.equals(name)) {
            throw new NoSuchSandboxException("container " + name + " is not a sandbox of this launcher (it has no "
                    + Labels.SANDBOX + "=" + name + " label), so the launcher will not enter it;"
                    + " `egress-proxy sandbox ls` lists the sandboxes");
        }
    }

    @Override
    public int enter(String name, List<String> command, boolean detach) throws Exception {
        if (detach) {
            if (!command.isEmpty()) {
                ctx.docker().run(DockerArgs.exec(name, command, true, false));
            }
            return 0;
        }
        return ctx.docker().attach(DockerArgs.exec(name, command.isEmpty() ? List.of("sh") : command, false, ctx.tty()));
    }

    @Override
    public void remove(String name) throws Exception {
        Docker docker = ctx.docker();
        removeContainers(name);
        List<String> networks = LaunchContext.lines(docker.run(DockerArgs.networksOf(name)));
        if (!networks.isEmpty()) {
            docker.run(DockerArgs.removeNetworks(networks));
        }
        removeFirewallRules(name);
    }
}
