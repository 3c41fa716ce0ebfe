package io.egressproxy.cli.sandbox;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code egress-proxy sandbox logs NAME}: the proxy's recent decisions about this sandbox, with reasons. */
@Command(name = "logs", mixinStandardHelpOptions = true, description = "The proxy's recent decisions about a sandbox (denials, approvals), with reasons.")
public final class SandboxLogsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    SandboxOptions options;
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws Exception {
        LaunchContext ctx = options.context(spec, false, true);
        for (ProxyAdmin.Decision d : ctx.admin().decisions(name)) {
            ctx.out().println(d.at() + " " + d.decision() + " " + d.target() + (d.reason().isEmpty() ? "" : " reason=" + d.reason()));
        }
        ctx.out().flush();
        return 0;
    }
}
