package io.egressproxy.cli.sandbox;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code egress-proxy sandbox logs NAME}: the proxy's recent decisions about this sandbox, oldest
 * first, one line each: time, method, target (no query string), decision, status and reason. With
 * none it says so on stderr, and fails when nothing knows the name (a typo).
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "The proxy's recent decisions about a sandbox (allowed, denied, failed, approvals), oldest first, with reasons.")
public final class SandboxLogsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    SandboxOptions options;
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws Exception {
        SandboxNames.check(name);
        LaunchContext ctx = options.context(spec, false, true);
        List<ProxyAdmin.Decision> decisions = ctx.admin().decisions(name);
        for (ProxyAdmin.Decision d : decisions) {
            ctx.out().println(line(d));
        }
        ctx.out().flush();
        if (decisions.isEmpty()) {
            // an empty answer is also what a typo gets: say which it is
            if (!known(ctx)) {
                throw new NoSuchSandboxException("no sandbox " + name + ": the proxy has no sandbox of that name, no container"
                        + " has the label " + Labels.SANDBOX + "=" + name + ", and the launcher has no record of it;"
                        + " `egress-proxy sandbox ls` lists the sandboxes");
            }
            ctx.err().println("no decisions about sandbox " + name + " yet: the proxy has seen no request from it (it keeps"
                    + " the last egress-proxy.admin.recent-decisions of all sandboxes together)");
            ctx.err().flush();
        }
        return 0;
    }

    /** Does the proxy, Docker (by label) or the launcher's records know the name? */
    private boolean known(LaunchContext ctx) throws Exception {
        if (ctx.admin().sandboxes().contains(name) || ctx.store().find(name).isPresent()) {
            return true;
        }
        try {
            return !LaunchContext.lines(ctx.docker().run(DockerArgs.containersOf(name))).isEmpty();
        } catch (DockerException e) {
            return false; // no docker here: then it knows no container of that name either
        }
    }

    /** {@code AT METHOD TARGET DECISION [status=N] [reason=…]}. */
    static String line(ProxyAdmin.Decision d) {
        return d.at() + " " + d.method() + " " + d.target() + " " + d.decision()
                + (d.status() == 0 ? "" : " status=" + d.status())
                + (d.reason().isEmpty() ? "" : " reason=" + d.reason());
    }
}
