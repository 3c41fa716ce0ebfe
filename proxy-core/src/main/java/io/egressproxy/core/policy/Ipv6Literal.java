package io.egressproxy.core.policy;

/**
 * Reads and writes IPv6 address text without {@link java.net.InetAddress#getByName}, which would
 * turn mapped addresses into IPv4 ones and, for anything that does not look like a literal, ask
 * DNS. Reading follows RFC 4291 (hex groups, one {@code ::}, an optional dotted-quad tail); the
 * dotted tail is strict decimal, like {@code inet_pton}, so {@code ::ffff:0177.0.0.1} is refused
 * rather than guessed. Writing follows RFC 5952 (lower case, longest zero run compressed,
 * {@code ::ffff:a.b.c.d} for IPv4-mapped).
 *
 * <p>Stateless; safe from any thread.
 */
final class Ipv6Literal {

    /** Longest legal text: {@code ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255}. */
    private static final int MAX_TEXT = 45;

    private Ipv6Literal() {}

    /**
     * Parses IPv6 text (no brackets, no zone id) into 16 bytes.
     *
     * @throws IllegalArgumentException with a short description of the problem
     */
    static byte[] parse(String text) {
        if (text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("it is longer than any IPv6 address");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c == ':' || c == '.' || hex(c) >= 0)) {
                throw new IllegalArgumentException("it contains " + Text.describe(c));
            }
        }
        String hexText = text;
        byte[] tail = null;
        if (text.indexOf('.') >= 0) {
            int colon = text.lastIndexOf(':');
            tail = dottedQuad(text.substring(colon + 1));
            // Rewrite the dotted tail as two hex groups so one loop reads every form.
            hexText = text.substring(0, colon + 1) + Integer.toHexString(((tail[0] & 0xff) << 8) | (tail[1] & 0xff))
                    + ':' + Integer.toHexString(((tail[2] & 0xff) << 8) | (tail[3] & 0xff));
        }
        return groups(hexText);
    }

    /** RFC 5952 text, e.g. {@code ::1}, {@code fd00:ec2::254}, {@code ::ffff:127.0.0.1}. */
    static String format(byte[] address) {
        if (isMapped(address)) {
            return "::ffff:" + (address[12] & 0xff) + "." + (address[13] & 0xff) + "." + (address[14] & 0xff) + "."
                    + (address[15] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not compressed (RFC 5952 4.2.2)
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    /** {@code ::ffff:0:0/96}. */
    static boolean isMapped(byte[] address) {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
    }

    private static byte[] groups(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            throw new IllegalArgumentException("it has more than one '::'");
        }
        String[] head = split(gap < 0 ? text : text.substring(0, gap));
        String[] tail = gap < 0 ? new String[0] : split(text.substring(gap + 2));
        int count = head.length + tail.length;
        if (gap < 0 ? count != 8 : count > 7) {
            throw new IllegalArgumentException("it has " + count + " groups; an IPv6 address has 8");
        }
        byte[] out = new byte[16];
        put(out, 0, head);
        put(out, 8 - tail.length, tail);
        return out;
    }

    private static String[] split(String part) {
        return part.isEmpty() ? new String[0] : part.split(":", -1);
    }

    private static void put(byte[] out, int firstGroup, String[] groups) {
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            if (g.isEmpty() || g.length() > 4 || g.indexOf('.') >= 0) {
                throw new IllegalArgumentException("group '" + g + "' is not 1 to 4 hex digits");
            }
            int value = Integer.parseInt(g, 16);
            out[2 * (firstGroup + i)] = (byte) (value >>> 8);
            out[2 * (firstGroup + i) + 1] = (byte) value;
        }
    }

    private static byte[] dottedQuad(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("its IPv4 part '" + text + "' does not have 4 parts");
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            boolean digits = !p.isEmpty() && p.length() <= 3 && p.chars().allMatch(c -> c >= '0' && c <= '9');
            if (!digits || (p.length() > 1 && p.charAt(0) == '0') || Integer.parseInt(p) > 255) {
                throw new IllegalArgumentException(
                        "its IPv4 part '" + text + "' must be four decimal numbers 0-255 without leading zeros");
            }
            out[i] = (byte) Integer.parseInt(p);
        }
        return out;
    }

    private static int hex(char c) {
        return c < 0x80 ? Character.digit(c, 16) : -1;
    }
}
