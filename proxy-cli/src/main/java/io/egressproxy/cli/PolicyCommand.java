package io.egressproxy.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code egress-proxy policy …}: changes the running proxy's policy through its admin API, with no
 * restart, and prints the resulting policy. Changes persist in the state file unless --ephemeral.
 */
@Command(name = "policy", mixinStandardHelpOptions = true, description = "Show or change the running proxy's policy.",
        subcommands = {PolicyCommand.Show.class, PolicyCommand.AllowHost.class, PolicyCommand.BlockHost.class,
                PolicyCommand.BypassHost.class, PolicyCommand.Remove.class})
final class PolicyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Shared by the list-changing sub-commands. */
    abstract static class Change implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        AdminOptions admin;
        @Option(names = "--sandbox", paramLabel = "NAME", description = "Change this sandbox's policy instead of the global one.")
        String sandbox;
        @Parameters(paramLabel = "PATTERN", arity = "1..*", description = "Host patterns, e.g. api.example.com, *.example.com, localhost:12434.")
        List<String> patterns;

        abstract String action();

        @Override
        public Integer call() throws Exception {
            String body = "{\"patterns\": " + AdminOptions.jsonList(patterns)
                    + (sandbox == null ? "" : ", \"sandbox\": " + AdminOptions.json(sandbox)) + admin.persistField() + "}";
            spec.commandLine().getOut().println(admin.client().post("v1/policy/" + action(), body));
            return 0;
        }
    }

    @Command(name = "allow-host", mixinStandardHelpOptions = true, description = "Allow host patterns.")
    static final class AllowHost extends Change {
        String action() {
            return "allow";
        }
    }

    @Command(name = "block-host", mixinStandardHelpOptions = true, description = "Block host patterns (wins over allow).")
    static final class BlockHost extends Change {
        String action() {
            return "block";
        }
    }

    @Command(name = "bypass-host", mixinStandardHelpOptions = true, description = "Allow host patterns and never intercept them.")
    static final class BypassHost extends Change {
        String action() {
            return "bypass";
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove patterns from every list of the scope.")
    static final class Remove extends Change {
        String action() {
            return "remove";
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print the effective policy.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        AdminOptions admin;

        @Override
        public Integer call() throws Exception {
            spec.commandLine().getOut().println(admin.client().get("v1/policy"));
            return 0;
        }
    }
}
