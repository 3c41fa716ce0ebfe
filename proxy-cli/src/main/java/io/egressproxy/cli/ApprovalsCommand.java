package io.egressproxy.cli;

import io.egressproxy.core.admin.AdminClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code egress-proxy approvals}: requests held under {@code policy.default = ask}. Without a
 * sub-command it lists them; {@code --watch} shows new ones as they arrive and asks at the terminal.
 */
@Command(name = "approvals", mixinStandardHelpOptions = true, description = "List, approve or deny held requests (policy.default = ask).",
        subcommands = {ApprovalsCommand.Allow.class, ApprovalsCommand.Deny.class})
final class ApprovalsCommand implements Callable<Integer> {
    private static final Pattern ENTRY = Pattern.compile(
            "\"id\" : \"(\\d+)\",\\s*\"sandbox\" : (null|\"[^\"]*\"),\\s*\"host\" : \"([^\"]*)\",\\s*\"port\" : (\\d+),\\s*\"method\" : \"([^\"]*)\"");

    @Spec
    CommandSpec spec;
    @Mixin
    AdminOptions admin;
    @Option(names = "--watch", description = "Show new requests as they arrive and answer each at the terminal (a = allow, A = allow and remember, d = deny, D = deny and remember, s = skip); ends at end of input.")
    boolean watch;

    @Override
    public Integer call() throws Exception {
        AdminClient client = admin.client();
        PrintWriter out = spec.commandLine().getOut();
        if (!watch) {
            out.println(client.get("v1/approvals"));
            return 0;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Set<String> seen = new LinkedHashSet<>();
        out.println("watching for held requests (Ctrl-C to stop)");
        out.flush();
        while (true) {
            Matcher m = ENTRY.matcher(client.get("v1/approvals"));
            while (m.find()) {
                String id = m.group(1);
                if (!seen.add(id)) {
                    continue;
                }
                String sandbox = m.group(2).equals("null") ? "(global)" : m.group(2).replace("\"", "");
                out.printf("#%s %s %s:%s from %s — allow? [a/A/d/D/s] ", id, m.group(5), m.group(3), m.group(4), sandbox);
                out.flush();
                String answer = in.readLine();
                while (answer != null && !answer.trim().matches("[aAdDs]")) {
                    out.print("answer a (allow), A (allow and remember), d (deny), D (deny and remember) or s (skip): ");
                    out.flush();
                    answer = in.readLine();
                }
                if (answer == null) {
                    return 0; // end of input: nothing more can be answered
                }
                answer = answer.trim();
                if (answer.equals("s")) {
                    out.println("skipped");
                    out.flush();
                    continue;
                }
                boolean allow = answer.equalsIgnoreCase("a");
                boolean remember = answer.equals("A") || answer.equals("D");
                try {
                    client.post("v1/approvals/" + id, "{\"action\": \"" + (allow ? "allow" : "deny") + "\", \"remember\": " + remember + "}");
                    out.println(allow ? "allowed" : "denied");
                } catch (AdminClient.AdminException e) {
                    out.println("too late: " + e.getMessage());
                }
                out.flush();
            }
            Thread.sleep(500);
        }
    }

    abstract static class Answer implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        AdminOptions admin;
        @Parameters(paramLabel = "ID", description = "The request's id, from `egress-proxy approvals`.")
        String id;
        @Option(names = "--remember", description = "Also add the host:port to the requester's allow (or block) list.")
        boolean remember;

        abstract String action();

        @Override
        public Integer call() throws Exception {
            spec.commandLine().getOut().println(admin.client().post("v1/approvals/" + id,
                    "{\"action\": \"" + action() + "\", \"remember\": " + remember + "}"));
            return 0;
        }
    }

    @Command(name = "allow", mixinStandardHelpOptions = true, description = "Let a held request through.")
    static final class Allow extends Answer {
        String action() {
            return "allow";
        }
    }

    @Command(name = "deny", mixinStandardHelpOptions = true, description = "Refuse a held request.")
    static final class Deny extends Answer {
        String action() {
            return "deny";
        }
    }
}
