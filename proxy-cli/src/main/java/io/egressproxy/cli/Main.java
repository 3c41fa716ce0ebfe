package io.egressproxy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code egress-proxy} command. Each sub-command is its own class; this one only wires them
 * together and maps failures to exit codes ({@link ExitCodes}).
 */
@Command(name = "egress-proxy",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "An egress proxy for sandboxed workloads: default-deny allow-lists, credentials added on the way out.",
        subcommands = {ServeCommand.class, BridgeCommand.class, CaCommand.class, PolicyCommand.class, ApprovalsCommand.class,
                SandboxCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for {@link #main} and for tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler(new ExitCodes())
                .setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
