package io.egressproxy.core.policy;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An L7 rule for a host the proxy can see into (plain HTTP, or intercepted TLS): which methods and
 * paths are allowed there. An empty method set allows every method; an empty path list every path.
 * Paths are globs where {@code *} matches any run of characters (slashes included), matched
 * against the path without its query. Immutable.
 */
public record RequestRule(HostPattern host, Set<String> methods, List<String> paths) {
    public RequestRule {
        methods = methods.stream().map(m -> m.toUpperCase(Locale.ROOT)).collect(java.util.stream.Collectors.toUnmodifiableSet());
        paths = List.copyOf(paths);
        for (String path : paths) {
            if (!path.startsWith("/")) {
                throw new InvalidPatternException("path pattern '" + Text.quote(path) + "' must start with '/', e.g. '/v1/*'");
            }
        }
    }

    boolean permits(String method, String path) {
        if (!methods.isEmpty() && !methods.contains(method)) {
            return false;
        }
        if (paths.isEmpty()) {
            return true;
        }
        for (String glob : paths) {
            if (globMatches(glob, 0, path, 0)) {
                return true;
            }
        }
        return false;
    }

    private static boolean globMatches(String glob, int gi, String text, int ti) {
        while (gi < glob.length()) {
            char g = glob.charAt(gi);
            if (g == '*') {
                while (gi < glob.length() && glob.charAt(gi) == '*') {
                    gi++;
                }
                if (gi == glob.length()) {
                    return true;
                }
                for (int t = ti; t <= text.length(); t++) {
                    if (globMatches(glob, gi, text, t)) {
                        return true;
                    }
                }
                return false;
            }
            if (ti >= text.length() || text.charAt(ti) != g) {
                return false;
            }
            gi++;
            ti++;
        }
        return ti == text.length();
    }

    /** For reasons: {@code GET,POST /repos/acme/*}. */
    String describe() {
        return host.text() + " " + (methods.isEmpty() ? "any method" : String.join(",", new java.util.TreeSet<>(methods)))
                + " " + (paths.isEmpty() ? "any path" : String.join(" ", paths));
    }
}
