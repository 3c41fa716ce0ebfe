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
        SandboxLauncher launcher = new SandboxLauncher(options.context(spec, false, false));
        for (String name : names) {
            launcher.remove(name, SandboxRuntimeKind.parse(runtime));
            spec.commandLine().getOut().println(name);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
