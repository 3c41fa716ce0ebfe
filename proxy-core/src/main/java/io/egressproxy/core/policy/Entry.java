package io.egressproxy.core.policy;

/**
 * A parsed entry and where it came from, so reasons and warnings can point at the line to edit.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param pattern the parsed entry
 * @param source where it was written, e.g. {@code egress-proxy.policy.allow[3]}
 * @param order position across all lists of its kind, used to say which of two duplicates came first
 */
record Entry(HostPattern pattern, String source, int order) {

    /** Canonical text of the entry. */
    String text() {
        return pattern.text();
    }

    /** {@code '*.example.com' (egress-proxy.policy.allow[3])}, for messages. */
    String describe() {
        return "'" + pattern.text() + "' (" + source + ")";
    }
}
