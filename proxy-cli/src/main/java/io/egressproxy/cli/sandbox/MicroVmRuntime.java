package io.egressproxy.cli.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sandboxes as Docker Desktop micro-VMs ({@code docker sandbox}). The VM's only way out is Docker's
 * filtering proxy; the launcher opens a proxy listener for this sandbox on the host's loopback and
 * sets Docker's proxy to deny everything but {@code localhost:PORT}, so every request passes this
 * proxy's policy and credential injection. Used by one thread.
 */
final class MicroVmRuntime implements SandboxRuntime {
    private final LaunchContext ctx;

    MicroVmRuntime(LaunchContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public boolean exists(String name) throws Exception {
        return ctx.store().find(name).isPresent();
    }

    @Override
    public void create(SandboxSpec spec, Rollback rollback) throws Exception {
        String name = spec.name();
        List<String> extraWorkspaces = extraWorkspaces(spec.volumes());
        String workspace = (spec.workspace() != null ? spec.workspace() : Path.of("")).toAbsolutePath().toString();

        String listen = ctx.admin().openListener(name, "127.0.0.1:0");
        rollback.created("proxy listener " + listen, () -> ctx.admin().closeListener(name));
        int port = LaunchContext.port(listen);

        ctx.docker().run(DockerSandboxArgs.create(name, spec.image(), workspace, extraWorkspaces));
        rollback.created("docker sandbox " + name, () -> ctx.docker().run(DockerSandboxArgs.remove(name)));
        ctx.docker().run(DockerSandboxArgs.denyAllButProxy(name, port));
        ctx.docker().run(DockerSandboxArgs.installCa(name), Files.readAllBytes(ctx.caFile()));
        ctx.docker().run(DockerSandboxArgs.copyTrustStore(name), Files.readAllBytes(ctx.trustStore()));

        if (!spec.bridges().isEmpty()) {
            startBridges(spec, port);
        }
        ctx.store().save(new SandboxStore.Entry(name, SandboxRuntimeKind.DOCKER_SANDBOX, port, spec.env()));
        ctx.err().println("sandbox " + name + ": docker sandbox, Docker's proxy allows only localhost:" + port
                + " (this proxy's listener for it)");
    }

    /** {@code -v SRC:DST[:ro]} as extra workspaces, which docker sandbox mounts at their host path only. */
    static List<String> extraWorkspaces(List<String> volumes) {
        List<String> out = new ArrayList<>();
        for (String volume : volumes) {
            String[] parts = volume.split(":");
            boolean ro = parts.length == 3 && parts[2].equals("ro");
            if (parts.length < 2 || parts.length > 3 || !parts[0].equals(parts[1]) || (parts.length == 3 && !ro)) {
                throw new IllegalArgumentException("-v " + volume + ": docker sandbox mounts a directory at its own path only;"
                        + " write -v SRC:SRC or -v SRC:SRC:ro");
            }
            out.add(ro ? parts[0] + ":ro" : parts[0]);
        }
        return out;
    }

    private void startBridges(SandboxSpec spec, int port) throws Exception {
        String routes = spec.bridges().toString();
        if (ctx.jar() == null) {
            ctx.err().println("WARNING: bridges " + routes + " not started: this egress-proxy is not running from its jar;"
                    + " run egress-proxy.jar (or pass --jar) to start bridges");
        } else if (!ctx.docker().probe(DockerSandboxArgs.hasJava(spec.name()))) {
            ctx.err().println(ContainerRuntime.noJvm(routes, port));
        } else {
            ctx.docker().run(DockerSandboxArgs.copyJar(spec.name()), Files.readAllBytes(ctx.jar()));
            ctx.docker().run(DockerSandboxArgs.bridge(spec.name(), environment(port, spec.env()), spec.bridges()));
        }
    }

    private Map<String, String> environment(int port, List<String> userEnv) {
        return SandboxEnvironment.build("host.docker.internal", port, ctx.placeholders(), userEnv);
    }

    @Override
    public void requireSandbox(String name) throws Exception {
        if (ctx.store().find(name).isEmpty()) {
            throw notStarted(name);
        }
    }

    private NoSuchSandboxException notStarted(String name) {
        return new NoSuchSandboxException("no docker sandbox " + name + " was started by egress-proxy (nothing in "
                + ctx.store().dir() + "); `egress-proxy sandbox ls` lists the sandboxes");
    }

    @Override
    public int enter(String name, List<String> command, boolean detach) throws Exception {
        SandboxStore.Entry entry = ctx.store().find(name).orElseThrow(() -> notStarted(name));
        Map<String, String> env = environment(entry.proxyPort(), entry.env());
        if (detach) {
            if (!command.isEmpty()) {
                ctx.docker().run(DockerSandboxArgs.exec(name, "-d", false, env, command));
            }
            return 0;
        }
        return ctx.docker().attach(DockerSandboxArgs.exec(name, ctx.tty() ? "-it" : "-i", false, env,
                command.isEmpty() ? List.of("sh") : command));
    }

    @Override
    public void remove(String name) throws Exception {
        try {
            ctx.docker().run(DockerSandboxArgs.remove(name));
        } catch (DockerException e) {
            String why = e.stderr().toLowerCase(java.util.Locale.ROOT);
            if (!why.contains("not found") && !why.contains("no such")) {
                throw e;
            }
        }
    }
}
