package io.egressproxy.core.policy;

import java.net.IDN;
import java.util.Locale;

/**
 * Turns a host taken from a request into its one canonical {@link Host}, refusing anything that a
 * resolver, a URL parser and this proxy might read differently. Names become lower-case punycode
 * without trailing dot; IP literals are read the way the OS resolver reads them (every
 * {@code inet_aton} spelling of IPv4: 2130706433, 0x7f.1, 0177.0.0.1) and built from bytes. There is never
 * a DNS lookup here.
 *
 * <p>Accepted names use letters, digits, {@code -} and {@code _} in labels of 1 to 63 characters,
 * 253 in total (after IDN conversion). Refused: percent-encoding, userinfo, URI delimiters, spaces
 * and control characters, empty labels, IPv6 zone ids, and names that end in a number but are not
 * a valid IPv4 address ({@code 999.1.1.1}, {@code 1.2.3.4.5}).
 *
 * <p>Stateless; safe from any thread.
 */
public final class HostNames {

    /** Inputs longer than this are refused before any work is done on them. */
    private static final int MAX_INPUT = 1024;
    private static final int MAX_NAME = 253;
    private static final int MAX_LABEL = 63;

    private HostNames() {}

    /**
     * Normalises a host from a request: the host part of a URI authority or of a CONNECT target,
     * already split from the port. IPv6 may come with or without brackets.
     *
     * @throws InvalidHostException saying what is wrong, for anything that is not a clean host
     */
    public static Host parse(String raw) throws InvalidHostException {
        if (raw == null || raw.isEmpty()) {
            throw new InvalidHostException("host is empty; a host name or IP address is required");
        }
        if (raw.length() > MAX_INPUT) {
            throw new InvalidHostException("host " + Text.quote(raw) + " is too long; a host name has at most "
                    + MAX_NAME + " characters");
        }
        if (raw.charAt(0) == '[' || looksLikeIpv6(raw)) {
            return ipv6(raw);
        }
        String name = name(raw);
        if (!Ipv4Literal.endsInNumber(name)) {
            return new Host(name, null);
        }
        byte[] address;
        try {
            address = Ipv4Literal.parse(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidHostException("host " + Text.quote(raw)
                    + " ends in a number but is not a valid IPv4 address: " + e.getMessage()
                    + "; write the address as four numbers 0-255, e.g. '10.0.0.1'");
        }
        return new Host(Ipv4Literal.format(address), Addresses.v4(address));
    }

    /** True when {@code name} is exactly what {@link #parse} returns for some DNS name. */
    static boolean isCanonicalName(String name) {
        return shapeProblem(name) == null && !Ipv4Literal.endsInNumber(name);
    }

    /** What is wrong with the length or characters of lower-case ASCII host text, or null. */
    private static String shapeProblem(String name) {
        if (name.isEmpty()) {
            return "it is empty";
        }
        if (name.length() > MAX_NAME) {
            return "it is " + name.length() + " characters long; a host name has at most " + MAX_NAME;
        }
        int labelStart = 0;
        int label = 1;
        for (int i = 0; i <= name.length(); i++) {
            if (i == name.length() || name.charAt(i) == '.') {
                int length = i - labelStart;
                if (length == 0) {
                    return "it has an empty label";
                }
                if (length > MAX_LABEL) {
                    return "label " + label + " is " + length + " characters long; a label has at most " + MAX_LABEL;
                }
                labelStart = i + 1;
                label++;
            } else if (!isLabelChar(name.charAt(i))) {
                return "it contains " + Text.describe(name.charAt(i));
            }
        }
        return null;
    }

    private static String name(String raw) throws InvalidHostException {
        checkCharacters(raw, raw);
        // IDN treats these as dots too; unify first so an empty label gets our message, not IDN's.
        String text = raw.replace('\u3002', '.').replace('\uff0e', '.').replace('\uff61', '.');
        if (text.endsWith(".")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isEmpty() || text.startsWith(".") || text.endsWith(".") || text.contains("..")) {
            throw new InvalidHostException("host " + Text.quote(raw) + " has an empty label (two dots in a row, "
                    + "or a dot at the start or end); write a name such as 'api.example.com'");
        }
        String ascii = text;
        if (!isAscii(text)) {
            try {
                ascii = IDN.toASCII(text);
            } catch (IllegalArgumentException e) {
                throw new InvalidHostException("host " + Text.quote(raw)
                        + " is not a valid internationalised domain name: " + idnProblem(e));
            }
            // Unicode compatibility mapping can produce ASCII punctuation (a full-width '%' becomes '%').
            checkCharacters(ascii, raw);
        }
        ascii = ascii.toLowerCase(Locale.ROOT);
        String problem = shapeProblem(ascii);
        if (problem != null) {
            throw new InvalidHostException("host " + Text.quote(raw) + " is not a valid host name: " + problem);
        }
        return ascii;
    }

    /** IDN's own messages echo the whole label; say what kind of problem it was instead. */
    private static String idnProblem(IllegalArgumentException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("too long")) {
            return "a label is longer than " + MAX_LABEL + " characters once converted to punycode";
        }
        if (message.contains("prohibited")) {
            return "it contains a character that IDNA prohibits";
        }
        if (message.contains("unassigned")) {
            return "it contains a code point that Unicode has not assigned";
        }
        if (message.contains("BiDi")) {
            return "it mixes right-to-left and left-to-right text in a way IDNA forbids";
        }
        return "IDNA conversion failed";
    }

    private static void checkCharacters(String text, String raw) throws InvalidHostException {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80 && !isLabelChar(c) && c != '.' && !(c >= 'A' && c <= 'Z')) {
                throw new InvalidHostException("host " + Text.quote(raw) + " contains " + Text.describe(c)
                        + ", which is not allowed in a host name" + hint(c)
                        + "; only letters, digits, '-', '_' and '.' are allowed");
            }
        }
    }

    private static String hint(char c) {
        switch (c) {
            case '%':
                return " (percent-encoding is not accepted in a host)";
            case '@':
                return " (user information is not accepted before a host)";
            case ':':
                return " (split off the port first; write IPv6 addresses as '[::1]')";
            case '/':
            case '\\':
            case '?':
            case '#':
                return " (it ends or confuses the authority of a URL)";
            default:
                return "";
        }
    }

    private static Host ipv6(String raw) throws InvalidHostException {
        String inner = raw;
        if (raw.charAt(0) == '[') {
            if (raw.length() < 2 || raw.charAt(raw.length() - 1) != ']') {
                throw new InvalidHostException("host " + Text.quote(raw) + " has an unbalanced '['; write an IPv6 "
                        + "address as '[::1]' or '::1'");
            }
            inner = raw.substring(1, raw.length() - 1);
        }
        if (inner.indexOf('[') >= 0 || inner.indexOf(']') >= 0) {
            throw new InvalidHostException("host " + Text.quote(raw) + " has unbalanced brackets; write an IPv6 "
                    + "address as '[::1]' or '::1'");
        }
        int zone = inner.indexOf('%');
        if (zone >= 0) {
            throw new InvalidHostException("host " + Text.quote(raw) + " has an IPv6 zone id ("
                    + Text.quote(inner.substring(zone)) + "); zone ids name a local interface and are not accepted "
                    + "by an egress proxy; write the address "
                    + "without it");
        }
        if (inner.indexOf(':') < 0) {
            throw new InvalidHostException("host " + Text.quote(raw)
                    + " has brackets, which are only for IPv6 addresses; write it without them");
        }
        try {
            byte[] bytes = Ipv6Literal.parse(inner.toLowerCase(Locale.ROOT));
            return new Host(Ipv6Literal.format(bytes), Addresses.v6(bytes));
        } catch (IllegalArgumentException e) {
            throw new InvalidHostException("host " + Text.quote(raw) + " is not a valid IPv6 address: "
                    + e.getMessage());
        }
    }

    /**
     * Brackets or two colons: IPv6 was meant, so say what is wrong with it as IPv6. A single colon
     * is more likely a port left on a name, which the name check explains.
     */
    private static boolean looksLikeIpv6(String raw) {
        return raw.indexOf(']') >= 0 || raw.indexOf(':') != raw.lastIndexOf(':');
    }

    private static boolean isLabelChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
