package io.egressproxy.cli.sandbox;

import java.io.IOException;
import java.util.List;

/**
 * The launcher: registers a sandbox and its policy with the proxy, has the runtime create the rest,
 * and on any failure removes everything created so far, newest first, before reporting the cause.
 * Also {@code rm} (idempotent) and {@code exec}. Used by one command on one thread.
 */
public final class SandboxLauncher {
    /** A launch failed; the message says why and what could not be removed again. */
    public static final class LaunchException extends IOException {
        private static final long serialVersionUID = 1L;

        LaunchException(String message, Throwable cause) {
            super(message, cause);
        }

        /** The launch was stopped by SIGINT or SIGTERM (exit 130, as a shell reports Ctrl-C), not by a failure. */
        public boolean interrupted() {
            return getCause() instanceof Rollback.Stopped;
        }
    }

    private final LaunchContext ctx;

    public SandboxLauncher(LaunchContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Creates the sandbox, then attaches to its command (returning its exit code) or returns 0 with
     * {@code --detach}. Either way the sandbox stays until {@code sandbox rm}.
     */
    public int run(SandboxSpec spec) throws Exception {
        try (StopSignals stop = StopSignals.catchDuring()) {
            create(spec, stop::requested);
        }
        return enter(spec);
    }

    /** Makes the sandbox; {@code stopRequested} is asked after every step. Package-private for tests. */
    void create(SandboxSpec spec, java.util.function.BooleanSupplier stopRequested) throws Exception {
        SandboxRuntime runtime = runtime(spec.runtime());
        String name = spec.name();
        if (runtime.exists(name)) {
            throw new IllegalArgumentException("sandbox " + name + " already exists; remove it with `egress-proxy sandbox rm "
                    + name + "` or pick another name");
        }
        runtime.precheck(spec);
        warnAboutReplacedVariables(spec.env());
        Rollback rollback = new Rollback(stopRequested);
        try {
            ctx.admin().register(name, spec.allow(), spec.block());
            // Recorded only once registering succeeded: when it fails because the name is taken (a
            // concurrent run, or POST /v1/sandboxes), that registration and its listener are
            // someone else's. A registration that holds the name also keeps any other launch of it
            // from getting this far, so the runtime's label-based undo steps touch only ours.
            rollback.created("registration of sandbox " + name, () -> ctx.admin().unregister(name));
            runtime.create(spec, rollback);
            // The registration and the listener live in the proxy's memory: if the proxy stopped
            // while the sandbox was made, the sandbox would reach nothing while `run` said it was up.
            if (!ctx.admin().sandboxes().contains(name)) {
                throw new IOException("the proxy no longer knows sandbox " + name + " (it was restarted or stopped while"
                        + " the sandbox was made; its log says why); run this command again");
            }
            rollback.commit();
        } catch (Exception e) {
            // The reason (with the failed command, its exit code and stderr) is the exception's
            // message, printed once as the last line; before the removals, only what happens.
            ctx.err().println("egress-proxy: sandbox " + name + " could not be started; removing what was made for it");
            List<String> left = rollback.undo(ctx.err());
            throw new LaunchException("sandbox " + name + " was not started: " + e.getMessage()
                    + (left.isEmpty() ? " (everything created for it was removed again)"
                    : "; could not remove " + String.join("; ", left) + " — run `egress-proxy sandbox rm " + name + "`"), e);
        }
    }

    /** A {@code -e} of a variable the launcher sets wins (it is applied last), but rarely on purpose. */
    private void warnAboutReplacedVariables(List<String> userEnv) {
        java.util.Set<String> managed = SandboxEnvironment.build("host.docker.internal", 1, ctx.placeholders(), List.of()).keySet();
        for (String kv : userEnv) {
            String key = kv.substring(0, kv.indexOf('='));
            if (managed.contains(key)) {
                ctx.err().println("WARNING: -e " + key + " replaces the value the launcher sets: the sandbox's programs may"
                        + " stop using its proxy listener or trusting the proxy's CA (the proxy still lets nothing else out)");
            }
        }
    }

    private int enter(SandboxSpec spec) throws Exception {
        SandboxRuntime runtime = runtime(spec.runtime());
        String name = spec.name();
        if (spec.detach()) {
            runtime.enter(name, spec.command(), true);
            ctx.out().println(name);
            ctx.out().flush();
            return 0;
        }
        int exit = runtime.enter(name, spec.command(), false);
        // The sandbox outlives its command, as a workspace should (state, bridges, a second shell);
        // say so, since `docker run` users expect the container to stop with it.
        ctx.err().println("sandbox " + name + " is still running (command " + ForegroundChild.describe(exit) + "); attach again with"
                + " `egress-proxy sandbox exec " + name + " -- sh`, remove it with `egress-proxy sandbox rm " + name + "`");
        ctx.err().flush();
        return exit;
    }

    /** Runs a command in a running sandbox, attached; refuses anything that is not one of the launcher's sandboxes. */
    public int exec(String name, List<String> command) throws Exception {
        SandboxRuntime runtime = runtime(kindOf(SandboxNames.check(name), SandboxRuntimeKind.DOCKER));
        runtime.requireSandbox(name);
        return runtime.enter(name, command, false);
    }

    /**
     * Removes the sandbox, its network, firewall rules, listener, registration and the policy the
     * proxy saved for the name; whatever is already gone is skipped. {@code admin} may be null when
     * the proxy is not running.
     */
    public void remove(String name, SandboxRuntimeKind hint) throws Exception {
        SandboxRuntimeKind kind = kindOf(SandboxNames.check(name), hint);
        if (!knows(name, kind)) {
            // still removed below (firewall rules or saved policy may outlive everything else), but a
            // typo must not look like a removal
            ctx.err().println("nothing was known as sandbox " + name + " (no labelled container, record or registration);"
                    + " `egress-proxy sandbox ls` lists the sandboxes");
        }
        runtime(kind).remove(name);
        if (ctx.admin() != null) {
            ctx.admin().closeListener(name);
            ctx.admin().forget(name);
        }
        ctx.store().delete(name);
    }

    private boolean knows(String name, SandboxRuntimeKind kind) throws Exception {
        return ctx.store().find(name).isPresent()
                || (ctx.admin() != null && ctx.admin().sandboxes().contains(name))
                || (kind == SandboxRuntimeKind.DOCKER && !LaunchContext.lines(ctx.docker().run(DockerArgs.containersOf(name))).isEmpty());
    }

    private SandboxRuntimeKind kindOf(String name, SandboxRuntimeKind hint) throws IOException {
        return ctx.store().find(name).map(SandboxStore.Entry::runtime).orElse(hint);
    }

    private SandboxRuntime runtime(SandboxRuntimeKind kind) {
        return kind == SandboxRuntimeKind.DOCKER ? new ContainerRuntime(ctx) : new MicroVmRuntime(ctx);
    }
}
