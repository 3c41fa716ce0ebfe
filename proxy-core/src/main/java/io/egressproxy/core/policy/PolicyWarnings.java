package io.egressproxy.core.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds entries that do nothing: repeats, entries already covered by a broader entry of the same
 * list, allow or bypass entries that a block entry overrides, and allow entries that a bypass
 * entry already allows. These are warnings, not errors: the policy still means what it says, but
 * a person editing it probably meant something else. Each warning names both entries.
 *
 * <p>Stateless; safe from any thread.
 */
final class PolicyWarnings {

    /** Block entries are read without default ports: a port-less block entry blocks every port. */
    private static final Set<Integer> ANY_PORT = Set.of();

    private PolicyWarnings() {}

    static List<String> of(RuleIndex allow, RuleIndex block, RuleIndex bypass, Set<Integer> defaults) {
        List<String> out = new ArrayList<>();
        within(allow, defaults, out);
        within(bypass, defaults, out);
        within(block, ANY_PORT, out);
        across(allow, block, ANY_PORT, "is also blocked by %s; block entries win, so it allows nothing", out);
        across(bypass, block, ANY_PORT, "is also blocked by %s; block entries win, so it allows nothing", out);
        across(allow, bypass, defaults, "is already allowed by bypass entry %s; remove one of them", out);
        return List.copyOf(out);
    }

    private static void within(RuleIndex list, Set<Integer> defaults, List<String> out) {
        for (Entry e : list.entries()) {
            for (Entry c : list.candidatesCovering(e.pattern())) {
                if (c == e || !c.pattern().covers(e.pattern(), defaults)) {
                    continue;
                }
                if (e.pattern().covers(c.pattern(), defaults) && c.order() > e.order()) {
                    continue; // two equivalent entries: only the later one is reported
                }
                out.add(e.text().equals(c.text())
                        ? e.source() + " '" + e.text() + "' repeats " + c.source() + "; remove one of them"
                        : e.source() + " '" + e.text() + "' is already covered by " + c.describe()
                                + "; remove it, or narrow the broader entry");
                break;
            }
        }
    }

    private static void across(RuleIndex from, RuleIndex by, Set<Integer> defaults, String message, List<String> out) {
        for (Entry e : from.entries()) {
            for (Entry c : by.candidatesCovering(e.pattern())) {
                if (c.pattern().covers(e.pattern(), defaults)) {
                    out.add(e.source() + " '" + e.text() + "' " + String.format(message, c.describe()));
                    break;
                }
            }
        }
    }
}
