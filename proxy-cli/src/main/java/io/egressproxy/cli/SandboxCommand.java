package io.egressproxy.cli;

import io.egressproxy.cli.sandbox.SandboxExecCommand;
import io.egressproxy.cli.sandbox.SandboxLogsCommand;
import io.egressproxy.cli.sandbox.SandboxLsCommand;
import io.egressproxy.cli.sandbox.SandboxRmCommand;
import io.egressproxy.cli.sandbox.SandboxRunCommand;
import io.egressproxy.core.admin.AdminClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code egress-proxy sandbox …}: the launcher ({@code run}, {@code ls}, {@code rm}, {@code exec},
 * {@code logs}, each its own class in {@code io.egressproxy.cli.sandbox}) and the Docker-shaped
 * policy alias {@code sandbox network proxy NAME --allow-host H --block-host H --policy allow|deny},
 * which changes a running sandbox's policy (registered or configured) through the admin API.
 */
@Command(name = "sandbox", mixinStandardHelpOptions = true, description = "Sandboxes whose only way out is this proxy.",
        subcommands = {SandboxRunCommand.class, SandboxLsCommand.class, SandboxRmCommand.class, SandboxExecCommand.class,
                SandboxLogsCommand.class, SandboxCommand.Network.class})
final class SandboxCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "network", mixinStandardHelpOptions = true, description = "Sandbox network settings.",
            subcommands = {Proxy.class})
    static final class Network implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    @Command(name = "proxy", mixinStandardHelpOptions = true,
            description = "Change a sandbox's proxy policy live, like `docker sandbox network proxy`.")
    static final class Proxy implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        AdminOptions admin;
        @Parameters(paramLabel = "NAME", description = "The sandbox.")
        String name;
        @Option(names = "--allow-host", paramLabel = "PATTERN") List<String> allow = new ArrayList<>();
        @Option(names = "--block-host", paramLabel = "PATTERN") List<String> block = new ArrayList<>();
        @Option(names = "--bypass-host", paramLabel = "PATTERN") List<String> bypass = new ArrayList<>();
        @Option(names = "--policy", paramLabel = "allow|deny|ask", description = "What happens to hosts no entry names.") String policy;

        @Override
        public Integer call() throws Exception {
            AdminClient client = admin.client();
            String scope = ", \"sandbox\": " + AdminOptions.json(name) + admin.persistField();
            String result = null;
            if (policy != null) {
                result = client.post("v1/policy/default", "{\"policy\": " + AdminOptions.json(policy) + scope + "}");
            }
            if (!allow.isEmpty()) {
                result = client.post("v1/policy/allow", "{\"patterns\": " + AdminOptions.jsonList(allow) + scope + "}");
            }
            if (!block.isEmpty()) {
                result = client.post("v1/policy/block", "{\"patterns\": " + AdminOptions.jsonList(block) + scope + "}");
            }
            if (!bypass.isEmpty()) {
                result = client.post("v1/policy/bypass", "{\"patterns\": " + AdminOptions.jsonList(bypass) + scope + "}");
            }
            spec.commandLine().getOut().println(result != null ? result : client.get("v1/policy"));
            return 0;
        }
    }
}
