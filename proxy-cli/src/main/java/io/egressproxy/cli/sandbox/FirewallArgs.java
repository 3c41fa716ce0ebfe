package io.egressproxy.cli.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * Pure functions for the host firewall rules (iptables) that let a sandbox's network reach only the
 * proxy's listener on the host: accept TCP to the gateway's listener port, drop everything else that
 * comes in on the sandbox's bridge, and forward nothing from it. Each rule carries the comment
 * {@code egress-proxy:NAME}, which is how {@link #removals} finds them again.
 */
public final class FirewallArgs {
    private FirewallArgs() {
    }

    static String comment(String sandbox) {
        return "egress-proxy:" + sandbox;
    }

    /** Exits 0 when iptables is there and we may use it. */
    public static List<String> check() {
        return List.of("iptables", "-w", "5", "-S", "INPUT");
    }

    /** The rules, in the order to run them (each inserted at the top, so the accept ends up above the drop). */
    public static List<List<String>> add(String sandbox, String gateway, int port) {
        String bridge = DockerArgs.bridgeInterface(sandbox);
        List<String> tag = List.of("-m", "comment", "--comment", comment(sandbox));
        List<List<String>> rules = new ArrayList<>();
        rules.add(rule("-I", "FORWARD", List.of("-i", bridge), tag, "DROP"));
        rules.add(rule("-I", "INPUT", List.of("-i", bridge), tag, "DROP"));
        rules.add(rule("-I", "INPUT", List.of("-d", gateway + "/32", "-i", bridge, "-p", "tcp", "-m", "tcp", "--dport",
                String.valueOf(port)), tag, "ACCEPT"));
        return rules;
    }

    /** Lists a chain's rules in {@code -S} form. */
    public static List<String> list(String chain) {
        return List.of("iptables", "-w", "5", "-S", chain);
    }

    /** From {@code iptables -S} output, the {@code -D} commands that remove this sandbox's rules. */
    public static List<List<String>> removals(String sandbox, String listing) {
        List<List<String>> removals = new ArrayList<>();
        for (String line : listing.split("\n")) {
            List<String> words = new ArrayList<>();
            for (String word : line.strip().split("\\s+")) {
                words.add(word.replaceAll("^\"|\"$", ""));
            }
            int at = words.indexOf("--comment");
            if (words.size() > 2 && words.get(0).equals("-A") && at > 0 && at + 1 < words.size()
                    && words.get(at + 1).equals(comment(sandbox))) {
                List<String> argv = new ArrayList<>(List.of("iptables", "-w", "5", "-D"));
                argv.addAll(words.subList(1, words.size()));
                removals.add(argv);
            }
        }
        return removals;
    }

    private static List<String> rule(String op, String chain, List<String> match, List<String> tag, String target) {
        List<String> argv = new ArrayList<>(List.of("iptables", "-w", "5", op, chain, "1"));
        argv.addAll(match);
        argv.addAll(tag);
        argv.addAll(List.of("-j", target));
        return argv;
    }
}
