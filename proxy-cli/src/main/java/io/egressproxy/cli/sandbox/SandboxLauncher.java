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
        Rollback rollback = new Rollback(stopRequested);
        try {
            ctx.admin().register(name, spec.allow(), spec.block());
            // Recorded only once registering succeeded: when it fails because the name is taken (a
            // concurrent run, or POST /v1/sandboxes), that registration and its listener are
            // someone else's. A registration that holds the name also keeps any other launch of it
            // from getting this far, so the runtime's label-based undo steps touch only ours.
            rollback.created("registration of sandbox " + name, () -> ctx.admin().unregister(name));
            runtime.create(spec, rollback);
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
        runtime(kindOf(SandboxNames.check(name), hint)).remove(name);
        if (ctx.admin() != null) {
            ctx.admin().closeListener(name);
            ctx.admin().forget(name);
        }
        ctx.store().delete(name);
    }

    private SandboxRuntimeKind kindOf(String name, SandboxRuntimeKind hint) throws IOException {
        return ctx.store().find(name).map(SandboxStore.Entry::runtime).orElse(hint);
    }

    private SandboxRuntime runtime(SandboxRuntimeKind kind) {
        return kind == SandboxRuntimeKind.DOCKER ? new ContainerRuntime(ctx) : new MicroVmRuntime(ctx);
    }
}
