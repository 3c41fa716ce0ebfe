package io.egressproxy.core.policy;

/**
 * A host prepared for lookups: for a name, the name and each of its parent domains
 * ({@code a.b.example.com}, {@code b.example.com}, {@code example.com}, {@code com}) cut once, so
 * the several index walks of one decision share the same strings and their cached hash codes.
 *
 * <p>Immutable; made per decision and not shared.
 *
 * @param host the host being decided
 * @param suffixes the name and its parent domains, longest first; empty for an IP literal
 */
record Target(Host host, String[] suffixes) {

    private static final String[] NONE = new String[0];

    static Target of(Host host) {
        if (host.isLiteral()) {
            return new Target(host, NONE);
        }
        String name = host.name();
        int labels = 1;
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) == '.') {
                labels++;
            }
        }
        String[] suffixes = new String[labels];
        suffixes[0] = name;
        for (int i = 1, dot = name.indexOf('.'); i < labels; i++, dot = name.indexOf('.', dot + 1)) {
            suffixes[i] = name.substring(dot + 1);
        }
        return new Target(host, suffixes);
    }
}
