package io.egressproxy.cli.sandbox;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code egress-proxy sandbox rm NAME…}: removes each sandbox and all it had; removing one that is gone is fine. */
@Command(name = "rm", mixinStandardHelpOptions = true,
        description = "Remove sandboxes: container or micro-VM, network, firewall rules, proxy listener, registration and saved policy.")
public final class SandboxRmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    SandboxOptions options;
    @Parameters(arity = "1..*", paramLabel = "NAME")
    List<String> names;
    @Option(names = "--runtime", paramLabel = "docker|docker-sandbox", defaultValue = "docker",
            description = "For a sandbox this launcher has no record of (default: ${DEFAULT-VALUE}).")
    String runtime;

    @Override
    public Integer call() throws Exception {
        names.forEach(SandboxNames::check); // every one before anything is removed
        LaunchContext ctx = options.context(spec, false, false);
        SandboxLauncher launcher = new SandboxLauncher(ctx);
        if (ctx.admin() == null) {
            ctx.err().println("the proxy is not running: there is no listener or registration to remove (they ended with it)");
        }
        for (String name : names) {
            launcher.remove(name, SandboxRuntimeKind.parse(runtime));
            spec.commandLine().getOut().println(name);
            if (ctx.admin() == null && options.proxySavedStateFor(name)) {
                ctx.err().println("WARNING: the proxy's state file still keeps policy saved for " + name + " (e.g. with"
                        + " `sandbox network proxy " + name + "`), and a new sandbox " + name + " would get it; start the proxy"
                        + " and run `egress-proxy sandbox rm " + name + "` again to remove it");
            }
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
