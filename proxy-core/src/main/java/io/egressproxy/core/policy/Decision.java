package io.egressproxy.core.policy;

import java.util.Objects;

/**
 * The outcome of a policy check, as a value: allowed or not, why, and which entry decided.
 * A denial is answered with 403 and {@link #reason()} in the body, in
 * {@code X-Egress-Proxy-Reason} and in the access log, so the reason is always one line of
 * printable ASCII (anything else is escaped on construction) and says what a person can do.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param allowed true when the connection may go ahead
 * @param reason one line a person can act on, e.g. {@code host 'evil.example.net:443' is not in
 *     the allow-list; allow it with --allow-host evil.example.net:443 (or add it to
 *     egress-proxy.policy.allow)}
 * @param rule canonical text of the entry that decided, or null when the default decided
 */
public record Decision(boolean allowed, String reason, String rule) {

    public Decision {
        reason = Text.printable(Objects.requireNonNull(reason, "reason"));
        rule = rule == null ? null : Text.printable(rule);
    }

    /** Allowed; {@code rule} is the deciding entry, or null when no entry was needed (a public address). */
    public static Decision allow(String rule, String reason) {
        return new Decision(true, reason, rule);
    }

    /** Denied by default, no entry involved. */
    public static Decision deny(String reason) {
        return new Decision(false, reason, null);
    }

    /** Denied by an entry, e.g. a block entry. */
    public static Decision deny(String rule, String reason) {
        return new Decision(false, reason, rule);
    }
}
