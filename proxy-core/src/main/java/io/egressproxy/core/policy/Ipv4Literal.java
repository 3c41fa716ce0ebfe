package io.egressproxy.core.policy;

/**
 * Reads IPv4 addresses the way the operating system's resolver does ({@code inet_aton}), so the
 * address that is checked is the address that would be dialled. {@code inet_aton} accepts one to
 * four parts, each decimal, octal (leading {@code 0}) or hex ({@code 0x}); the last part fills the
 * remaining bytes. So {@code 2130706433}, {@code 0x7f.1}, {@code 0177.0.0.1} and {@code 127.1} are
 * all 127.0.0.1, and {@code 012.0.0.1} is 10.0.0.1, not 12.0.0.1. A checker that reads these
 * differently from the resolver is a known SSRF bypass (CVE-2026-69192 and friends).
 *
 * <p>Stateless; safe from any thread.
 */
final class Ipv4Literal {

    private static final long MAX_VALUE = 0xFFFF_FFFFL;

    private Ipv4Literal() {}

    /**
     * True when the last label is a number ({@code 1234} or {@code 0x1f}), i.e. when the resolver
     * would try the whole text as an address first. Such text must be a valid address or nothing:
     * treating {@code 999.1.1.1} as a DNS name would let the checker and the dialler disagree.
     * Same rule as the WHATWG URL standard's "ends in a number".
     *
     * @param name lower-case host text without a trailing dot
     */
    static boolean endsInNumber(String name) {
        String last = name.substring(name.lastIndexOf('.') + 1);
        if (last.isEmpty()) {
            return false;
        }
        if (last.startsWith("0x")) {
            return allMatch(last, 2, 16);
        }
        return allMatch(last, 0, 10);
    }

    /**
     * Parses any {@code inet_aton} spelling into four bytes.
     *
     * @param text lower-case text without a trailing dot
     * @throws IllegalArgumentException with a short description of the first problem
     */
    static byte[] parse(String text) {
        // Scans in place rather than splitting: this runs several times per proxied request to an
        // IP literal, and the split's array and strings were a measurable share of its garbage.
        int parts = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '.') {
                parts++;
            }
        }
        if (parts > 4) {
            throw new IllegalArgumentException("it has " + parts + " parts; an IPv4 address has at most 4");
        }
        long value = 0;
        int start = 0;
        for (int i = 0; i < parts; i++) {
            int end = text.indexOf('.', start);
            if (end < 0) {
                end = text.length();
            }
            boolean last = i == parts - 1;
            // The last part fills all remaining bytes: 'a.b' is a (8 bits) then b (24 bits).
            int bytes = last ? 4 - i : 1;
            long max = (1L << (8 * bytes)) - 1;
            long part = number(text, start, end);
            if (part > max) {
                throw new IllegalArgumentException("part " + Text.quote(text.substring(start, end)) + " is larger than " + max);
            }
            value = (value << (8 * bytes)) | part;
            start = end + 1;
        }
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    /** Dotted decimal, the one canonical spelling. */
    static String format(byte[] address) {
        return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
    }

    private static long number(String text, int from, int to) {
        if (from == to) {
            throw new IllegalArgumentException("it has an empty part");
        }
        if (text.startsWith("0x", from) && to - from >= 2) {
            // "0x" alone is 0 to inet_aton; accept it so we agree with the resolver.
            return digits(text, from, to, 2, 16);
        }
        if (to - from > 1 && text.charAt(from) == '0') {
            return digits(text, from, to, 1, 8);
        }
        return digits(text, from, to, 0, 10);
    }

    private static long digits(String text, int from, int to, int skip, int radix) {
        long value = 0;
        for (int i = from + skip; i < to; i++) {
            char c = text.charAt(i);
            int digit = Character.digit(c, radix);
            if (digit < 0 || c > 0x7f) {
                String kind = radix == 8 ? "octal (it starts with 0)" : radix == 16 ? "hex" : "decimal";
                throw new IllegalArgumentException("part " + Text.quote(text.substring(from, to)) + " is not a valid " + kind + " number");
            }
            value = value * radix + digit;
            if (value > MAX_VALUE) {
                throw new IllegalArgumentException("part " + Text.quote(text.substring(from, to)) + " is larger than " + MAX_VALUE);
            }
        }
        return value;
    }

    private static boolean allMatch(String text, int from, int radix) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 0x7f || Character.digit(c, radix) < 0) {
                return false;
            }
        }
        return true;
    }
}
