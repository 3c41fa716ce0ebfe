package io.egressproxy.cli.sandbox;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code egress-proxy sandbox exec NAME [-- CMD…]}: runs a command (default {@code sh}) in a running sandbox, attached. */
@Command(name = "exec", mixinStandardHelpOptions = true, description = "Run a command in a running sandbox; exits with its code.")
public final class SandboxExecCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    SandboxOptions options;
    @Parameters(index = "0", paramLabel = "NAME")
    String name;
    @Parameters(index = "1..*", arity = "0..*", paramLabel = "CMD", description = "The command (after --); default sh, as for run.")
    List<String> command = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
        SandboxNames.check(name); // before anything reads a file or runs docker with it
        return new SandboxLauncher(options.context(spec, false, false)).exec(name, command.isEmpty() ? List.of("sh") : command);
    }
}
