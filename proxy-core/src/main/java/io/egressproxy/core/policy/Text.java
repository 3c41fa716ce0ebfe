package io.egressproxy.core.policy;

/**
 * Makes untrusted text safe to put into a message. Messages from this package end up in logs, in
 * 4xx bodies and in the {@code X-Egress-Proxy-Reason} header, so they must stay one line of
 * printable ASCII whatever a client sent, and must not echo an arbitrarily long input.
 *
 * <p>Stateless; safe from any thread.
 */
final class Text {

    /** Longest part of an untrusted input that a message echoes. */
    static final int MAX_ECHO = 100;

    private Text() {}

    /**
     * Quotes untrusted input for a message: at most {@value #MAX_ECHO} characters, wrapped in single
     * quotes, with backslash, quote, control and non-ASCII characters escaped so the reader sees
     * exactly what arrived (a NUL or a look-alike letter is visible, not hidden).
     */
    static String quote(String raw) {
        StringBuilder out = new StringBuilder(Math.min(raw.length(), MAX_ECHO) + 8).append('\'');
        int end = Math.min(raw.length(), MAX_ECHO);
        for (int i = 0; i < end; i++) {
            char c = raw.charAt(i);
            if (c == '\\' || c == '\'') {
                out.append('\\').append(c);
            } else {
                appendPrintable(out, c);
            }
        }
        out.append('\'');
        if (raw.length() > MAX_ECHO) {
            out.append("... (").append(raw.length()).append(" characters)");
        }
        return out.toString();
    }

    /** Escapes control and non-ASCII characters; printable ASCII passes unchanged, so this is idempotent. */
    static String printable(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!isPrintableAscii(text.charAt(i))) {
                StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, i);
                for (int j = i; j < text.length(); j++) {
                    appendPrintable(out, text.charAt(j));
                }
                return out.toString();
            }
        }
        return text;
    }

    /** One character as it should appear in a message, e.g. {@code '%'} or {@code '\x00'}. */
    static String describe(char c) {
        StringBuilder out = new StringBuilder(8).append('\'');
        appendPrintable(out, c);
        return out.append('\'').toString();
    }

    private static void appendPrintable(StringBuilder out, char c) {
        if (isPrintableAscii(c)) {
            out.append(c);
        } else if (c < 0x100) {
            out.append(String.format("\\x%02x", (int) c));
        } else {
            out.append(String.format("\\u%04x", (int) c));
        }
    }

    private static boolean isPrintableAscii(char c) {
        return c >= 0x20 && c < 0x7f;
    }
}
