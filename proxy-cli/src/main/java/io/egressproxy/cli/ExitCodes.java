package io.egressproxy.cli;

import io.egressproxy.core.config.InvalidConfigException;
import picocli.CommandLine;

/**
 * Maps what a command threw to an exit code and one line on stderr: 2 for configuration and
 * usage problems a person must fix, 1 for anything else. No stack traces for expected failures.
 */
final class ExitCodes implements CommandLine.IExecutionExceptionHandler {
    static final int FAILURE = 1;
    static final int CONFIG = 2;

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        if (e instanceof InvalidConfigException || e instanceof IllegalArgumentException
                || e instanceof io.egressproxy.bridge.config.BridgeConfigException
                || e instanceof io.egressproxy.core.tls.TlsSetupException) {
            commandLine.getErr().println("egress-proxy: configuration error: " + e.getMessage());
            return CONFIG;
        }
        if (e instanceof io.egressproxy.core.admin.AdminClient.AdminException admin && admin.status() / 100 == 4) {
            commandLine.getErr().println("egress-proxy: " + e.getMessage());
            return CONFIG; // the request was wrong (bad pattern, unknown sandbox): a usage error
        }
        if (e instanceof io.egressproxy.cli.sandbox.SandboxLauncher.LaunchException launch && launch.interrupted()) {
            commandLine.getErr().println("egress-proxy: " + e.getMessage());
            return 130; // 128 + SIGINT, as a shell reports a job that Ctrl-C ended
        }
        if (e instanceof java.io.IOException && e.getMessage() != null) {
            commandLine.getErr().println("egress-proxy: " + e.getMessage());
            return FAILURE;
        }
        if (isUserFacing(e)) {
            commandLine.getErr().println("egress-proxy: " + e.getMessage());
            return FAILURE;
        }
        commandLine.getErr().println("egress-proxy: unexpected error: " + e);
        e.printStackTrace(commandLine.getErr());
        return FAILURE;
    }

    private static boolean isUserFacing(Exception e) {
        return e.getClass().getName().startsWith("io.egressproxy.") && e.getMessage() != null;
    }
}
