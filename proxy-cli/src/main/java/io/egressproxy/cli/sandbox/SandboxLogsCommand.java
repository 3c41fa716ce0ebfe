package io.egressproxy.cli.sandbox;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code egress-proxy sandbox logs NAME}: the proxy's recent decisions about this sandbox, oldest
 * first, one line each: time, method, target (no query string), decision, status and reason.
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
        for (ProxyAdmin.Decision d : ctx.admin().decisions(name)) {
            ctx.out().println(line(d));
        }
        ctx.out().flush();
        return 0;
    }

    /** {@code AT METHOD TARGET DECISION [status=N] [reason=…]}. */
    static String line(ProxyAdmin.Decision d) {
        return d.at() + " " + d.method() + " " + d.target() + " " + d.decision()
                + (d.status() == 0 ? "" : " status=" + d.status())
                + (d.reason().isEmpty() ? "" : " reason=" + d.reason());
    }
}
