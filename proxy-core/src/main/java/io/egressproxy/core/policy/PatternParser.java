package io.egressproxy.core.policy;

/**
 * Reads the text of an allow, block or bypass entry into a {@link HostPattern}. Hosts inside
 * entries are normalised by {@link HostNames}, so an entry and a request spell a host the same
 * way; breadth checks are in {@link PatternBreadth}. Every error says what to write instead.
 *
 * <p>Stateless; safe from any thread.
 */
final class PatternParser {

    private PatternParser() {}

    static HostPattern parse(String raw) {
        if (raw == null) {
            throw new InvalidPatternException("pattern is missing; write a host such as 'api.example.com'");
        }
        String text = raw.strip();
        if (text.isEmpty()) {
            throw new InvalidPatternException(
                    "pattern is empty; write a host such as 'api.example.com' or '*.example.com'");
        }
        if (text.contains("://")) {
            throw new InvalidPatternException("pattern " + Text.quote(text) + " has a URL scheme; write only the host "
                    + "and port, such as 'example.com:443'");
        }
        String host = text;
        String portText = null;
        boolean bracketed = text.charAt(0) == '[';
        if (bracketed) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new InvalidPatternException("pattern " + Text.quote(text) + " has an unbalanced '['; write an "
                        + "IPv6 address as '[::1]:443' or '::1'");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (rest.charAt(0) != ':') {
                    throw new InvalidPatternException("pattern " + Text.quote(text) + " has text after ']' that is not "
                            + "a port; write it as '[::1]:443'");
                }
                portText = rest.substring(1);
            }
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            // One colon separates a port; more than one is a bare IPv6 address, which cannot carry one.
            host = text.substring(0, text.indexOf(':'));
            portText = text.substring(text.indexOf(':') + 1);
        }
        PortRule port = port(text, portText);
        if (host.indexOf('/') >= 0) {
            return cidr(text, host, port);
        }
        if (bracketed) {
            return address(text, host("[" + host + "]", text), port);
        }
        if (host.indexOf('*') >= 0 || host.startsWith(".")) {
            return wildcard(text, host, port);
        }
        Host parsed = host(host, text);
        if (parsed.isLiteral()) {
            return address(text, parsed, port);
        }
        if (HostPattern.isLocalhostName(parsed.name())) {
            return new HostPattern(HostPattern.Kind.LOCALHOST, null, null, port);
        }
        return new HostPattern(HostPattern.Kind.EXACT, parsed.name(), null, port);
    }

    private static HostPattern address(String text, Host host, PortRule port) {
        if (!host.isLiteral()) {
            throw new InvalidPatternException("pattern " + Text.quote(text) + " has brackets around a name; brackets "
                    + "are only for IPv6 addresses, e.g. '[::1]:443'");
        }
        return new HostPattern(HostPattern.Kind.ADDRESS, null, Cidr.of(host.literal()), port);
    }

    private static HostPattern wildcard(String text, String host, PortRule port) {
        PatternBreadth.checkWildcardShape(text, host);
        boolean subdomainsOnly = host.startsWith("*.");
        Host suffix = host(host.substring(subdomainsOnly ? 2 : 1), text);
        if (suffix.isLiteral()) {
            throw new InvalidPatternException("pattern " + Text.quote(text) + " puts a wildcard over an IP address; "
                    + "wildcards apply to names only; for a range of addresses write a CIDR block such as "
                    + "'10.0.0.0/8'");
        }
        PatternBreadth.checkSuffix(text, subdomainsOnly ? "*." : ".", suffix.name());
        HostPattern.Kind kind = subdomainsOnly ? HostPattern.Kind.SUBDOMAINS : HostPattern.Kind.DOMAIN;
        return new HostPattern(kind, suffix.name(), null, port);
    }

    private static HostPattern cidr(String text, String host, PortRule port) {
        int slash = host.indexOf('/');
        String addressText = host.substring(0, slash);
        String lengthText = host.substring(slash + 1);
        Host address;
        try {
            address = HostNames.parse(addressText);
        } catch (InvalidHostException e) {
            throw new InvalidPatternException("pattern " + Text.quote(text)
                    + " contains '/' but does not start with an IP address (" + e.getMessage()
                    + "); only CIDR blocks such as '10.0.0.0/8' contain '/'", e);
        }
        if (!address.isLiteral()) {
            throw new InvalidPatternException("pattern " + Text.quote(text) + " contains '/', but "
                    + Text.quote(addressText) + " is not an IP address; only CIDR blocks such as '10.0.0.0/8' "
                    + "contain '/'; write the host alone, "
                    + "such as " + Text.quote(address.name()));
        }
        int bits = address.literal().getAddress().length * 8;
        if (lengthText.isEmpty() || lengthText.length() > 3 || !lengthText.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(lengthText) > bits) {
            throw new InvalidPatternException("pattern " + Text.quote(text) + " has an invalid prefix length "
                    + Text.quote(lengthText) + "; write a number from 0 to " + bits + ", such as '"
                    + address.name() + "/" + (bits == 32 ? 24 : 64) + "'");
        }
        int prefix = Integer.parseInt(lengthText);
        if (bits == 32 && !address.name().equals(addressText)) {
            // '10/8' is 0.0.0.10/8 to the resolver; never guess which network was meant.
            throw new InvalidPatternException("pattern " + Text.quote(text) + " writes the network as "
                    + Text.quote(addressText) + ", which reads as " + address.name() + "; write a CIDR network as four "
                    + "decimal numbers, such as '" + fullForm(addressText, address.name()) + "/" + prefix + "'");
        }
        Cidr cidr = Cidr.of(address.literal(), prefix);
        if (cidr.hasHostBits()) {
            throw new InvalidPatternException("pattern " + Text.quote(text) + " has address bits set beyond the /"
                    + prefix + " prefix; write the network '" + cidr.network().text() + "', or '" + address.name()
                    + "' for the single address");
        }
        PatternBreadth.checkCidr(text, cidr);
        return new HostPattern(prefix == bits ? HostPattern.Kind.ADDRESS : HostPattern.Kind.CIDR, null, cidr, port);
    }

    /** '10' or '192.168' as meant by the short CIDR notation of some tools ('10.0.0.0'), else the address read. */
    private static String fullForm(String written, String read) {
        if (!written.matches("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){0,2}")) {
            return read;
        }
        StringBuilder out = new StringBuilder(written);
        for (String part : written.split("\\.")) {
            if (Integer.parseInt(part) > 255) {
                return read;
            }
        }
        for (int parts = written.split("\\.").length; parts < 4; parts++) {
            out.append(".0");
        }
        return out.toString();
    }

    private static PortRule port(String text, String portText) {
        if (portText == null) {
            return PortRule.DEFAULT;
        }
        if (portText.equals("*")) {
            return PortRule.ANY;
        }
        if (portText.isEmpty()) {
            throw new InvalidPatternException("pattern " + Text.quote(text) + " ends with ':' but has no port; write a "
                    + "port such as ':443', or ':*' for any port");
        }
        if (portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidPatternException("pattern " + Text.quote(text) + " has an invalid port "
                    + Text.quote(portText) + "; write a number from 1 to 65535, or '*' for any port");
        }
        int port = Integer.parseInt(portText);
        if (port < 1 || port > 65535) {
            throw new InvalidPatternException("pattern " + Text.quote(text) + " has port " + port
                    + ", outside 1..65535; write a port such as ':443', or ':*' for any port");
        }
        return new PortRule(port);
    }

    private static Host host(String hostText, String text) {
        try {
            return HostNames.parse(hostText);
        } catch (InvalidHostException e) {
            throw new InvalidPatternException("pattern " + Text.quote(text) + " has an invalid host: "
                    + e.getMessage(), e);
        }
    }
}
