package io.egressproxy.core.inject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A secret value (API key, sandbox token). Its {@link #toString()} is redacted so it cannot reach
 * a log line by accident; the value is only handed out by {@link #reveal()}, at the one place that
 * puts it on the wire. Values with control characters (CR, LF, NUL, ...) are refused when made,
 * so a secret can never split a header. Immutable, thread-safe.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * A secret from text; surrounding white space (such as a file's trailing newline) is trimmed.
     *
     * @throws IllegalArgumentException if it is empty or holds a control character (the message
     *                                  never contains the value)
     */
    public static Secret of(String text) {
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("the secret is empty");
        }
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("the secret contains a control character (such as a line break) at position "
                        + i + "; a header value cannot hold it");
            }
        }
        return new Secret(trimmed);
    }

    /** The value, for the single place that writes it to an upstream. */
    public String reveal() {
        return value;
    }

    /** Constant-time comparison, for tokens a client presents. */
    public boolean matches(String candidate) {
        byte[] a = value.getBytes(StandardCharsets.UTF_8);
        byte[] b = candidate == null ? new byte[0] : candidate.getBytes(StandardCharsets.UTF_8);
        boolean equal = MessageDigest.isEqual(a, b);
        Arrays.fill(b, (byte) 0);
        return equal;
    }

    @Override
    public String toString() {
        return "Secret[redacted]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0; // never derive anything observable from the value
    }
}
