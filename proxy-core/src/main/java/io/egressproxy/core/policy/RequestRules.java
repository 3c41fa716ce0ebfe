package io.egressproxy.core.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * The L7 rules of one scope. A host that some rule names may only be sent requests that one of
 * its rules permits; hosts no rule names are not restricted here (the allow-list still applies).
 * Paths with dot-segments or encoded separators are refused for restricted hosts, since the
 * upstream may read them differently from the glob. Immutable, thread-safe.
 */
public final class RequestRules {
    private static final RequestRules NONE = new RequestRules(List.of());
    private final List<RequestRule> rules;

    private RequestRules(List<RequestRule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static RequestRules of(List<RequestRule> rules) {
        return rules.isEmpty() ? NONE : new RequestRules(rules);
    }

    public static RequestRules none() {
        return NONE;
    }

    /** These rules, then {@code more}. */
    public RequestRules with(RequestRules more) {
        List<RequestRule> all = new ArrayList<>(rules);
        all.addAll(more.rules);
        return of(all);
    }

    /** Whether requests to this host are restricted (and so must be inspected). */
    public boolean restricts(Host host, int port) {
        for (RequestRule rule : rules) {
            if (rule.host().matches(host, port)) {
                return true;
            }
        }
        return false;
    }

    /** Allow when no rule names the host or one of its rules permits {@code method} {@code path}. */
    public Decision check(Host host, int port, String method, String pathAndQuery) {
        List<RequestRule> forHost = new ArrayList<>();
        for (RequestRule rule : rules) {
            if (rule.host().matches(host, port)) {
                forHost.add(rule);
            }
        }
        if (forHost.isEmpty()) {
            return Decision.allow(null, "no request rule names this host");
        }
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String lower = path.toLowerCase(java.util.Locale.ROOT);
        if (path.contains("/../") || path.endsWith("/..") || path.contains("/./") || path.endsWith("/.") || path.contains("//")
                || lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c") || lower.contains("%25")
                || path.contains("\\") || path.contains(";")) {
            return Decision.deny(forHost.get(0).describe(), "request path " + Text.quote(path) + " to '" + host.name()
                    + "' has dot-segments, path parameters (;) or encoded separators, which request rules refuse; send the plain path");
        }
        for (RequestRule rule : forHost) {
            if (rule.permits(method, path)) {
                return Decision.allow(rule.describe(), "permitted by request rule " + rule.describe());
            }
        }
        StringBuilder names = new StringBuilder();
        for (RequestRule rule : forHost) {
            names.append(names.length() == 0 ? "" : "; ").append(rule.describe());
        }
        return Decision.deny(forHost.get(0).describe(), "request " + method + " " + Text.quote(path) + " to '" + host.name()
                + "' matches no request rule for that host (" + names + "); add a rule to egress-proxy.policy.rules"
                + " (or the sandbox's rules)");
    }
}
