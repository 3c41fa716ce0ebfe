package io.egressproxy.core.policy;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The outcome of a policy check, as a value: allowed or not, why, and which entry decided.
 * A denial is answered with 403 and {@link #reason()} in the body, in
 * {@code X-Egress-Proxy-Reason} and in the access log, so the reason is always one line of
 * printable ASCII (anything else is escaped) and says what a person can do.
 *
 * <p>The reason of an allowance is written only when someone asks for it: the proxy asks for
 * it on a denial, and building the sentence for every allowed request was several percent of the
 * CPU of a forwarded request (JFR). Equality is by value (allowed, reason, rule).
 *
 * <p>Immutable as seen from outside; safe to share between threads (the lazily written reason is
 * an immutable String, and writing it twice gives the same text).
 */
public final class Decision {
    private final boolean allowed;
    private final String rule;
    private final Supplier<String> reasonSource;
    private String reason;

    /**
     * @param allowed true when the connection may go ahead
     * @param reason one line a person can act on, e.g. {@code host 'evil.example.net:443' is not
     *     in the allow-list; allow it with --allow-host evil.example.net:443 (or add it to
     *     egress-proxy.policy.allow)}
     * @param rule canonical text of the entry that decided, or null when the default decided
     */
    public Decision(boolean allowed, String reason, String rule) {
        this.allowed = allowed;
        this.reason = Text.printable(Objects.requireNonNull(reason, "reason"));
        this.reasonSource = null;
        this.rule = rule == null ? null : Text.printable(rule);
    }

    private Decision(String rule, Supplier<String> reasonSource) {
        this.allowed = true;
        this.reasonSource = reasonSource;
        this.rule = rule == null ? null : Text.printable(rule);
    }

    /** Allowed; {@code rule} is the deciding entry, or null when no entry was needed (a public address). */
    public static Decision allow(String rule, String reason) {
        return new Decision(true, reason, rule);
    }

    /** Allowed, with the reason written only if it is asked for ({@code reason} must be side-effect free). */
    static Decision allow(String rule, Supplier<String> reason) {
        return new Decision(rule, reason);
    }

    /** Denied by default, no entry involved. */
    public static Decision deny(String reason) {
        return new Decision(false, reason, null);
    }

    /** Denied by an entry, e.g. a block entry. */
    public static Decision deny(String rule, String reason) {
        return new Decision(false, reason, rule);
    }

    public boolean allowed() {
        return allowed;
    }

    public String reason() {
        String text = reason;
        if (text == null) {
            text = Text.printable(Objects.requireNonNull(reasonSource.get(), "reason"));
            reason = text;
        }
        return text;
    }

    public String rule() {
        return rule;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Decision that && allowed == that.allowed && Objects.equals(rule, that.rule)
                && reason().equals(that.reason());
    }

    @Override
    public int hashCode() {
        return Objects.hash(allowed, reason(), rule);
    }

    @Override
    public String toString() {
        return "Decision[allowed=" + allowed + ", reason=" + reason() + ", rule=" + rule + "]";
    }
}
