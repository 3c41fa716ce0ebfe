package io.egressproxy.core.policy;

import java.net.Inet4Address;
import java.util.Set;

/**
 * One allow, block or bypass entry, parsed and canonical. Forms, each optionally followed by
 * {@code :port} or {@code :*}:
 * <ul>
 *   <li>{@code api.example.com}: exactly that name (case-insensitive, trailing dot ignored, IDN
 *       as punycode);
 *   <li>{@code *.example.com}: sub-domains at any depth ({@code a.b.example.com}), not
 *       {@code example.com} itself;
 *   <li>{@code .example.com}: the domain and all its sub-domains;
 *   <li>{@code 127.0.0.1}, {@code ::1}, {@code [::1]:443}: one address (any IPv4 spelling the
 *       resolver accepts is read as the address it is);
 *   <li>{@code 10.0.0.0/8}, {@code 10.0.0.0/8:443}, {@code fd00::/8}, {@code [fd00::/8]:443}: a
 *       CIDR block; IPv6 needs brackets to carry a port;
 *   <li>{@code localhost} (or {@code host.docker.internal}, the same entry): this machine's
 *       loopback, i.e. the names {@code localhost} and {@code host.docker.internal} and the
 *       addresses 127.0.0.0/8, {@code ::1} and {@code ::ffff:127.0.0.0/104}.
 * </ul>
 * No port written means the policy's default ports (any port if it has none); {@code :*} means
 * any port regardless. Name entries never match an IP literal and address entries never match a
 * name. Entries that are too broad are refused when parsed (see {@link #parse}).
 *
 * <p>Immutable; safe to share between threads.
 */
public final class HostPattern {

    /** The shape of an entry; decides which index of a {@link Policy} holds it. */
    enum Kind { EXACT, SUBDOMAINS, DOMAIN, ADDRESS, CIDR, LOCALHOST }

    private static final Cidr LOOPBACK_V4 = new Cidr(false, 0, 127L << 24, 8);
    private static final Cidr LOOPBACK_V6 = new Cidr(true, 0, 1, 128);

    private final Kind kind;
    private final String domain;
    private final Cidr cidr;
    private final PortRule port;
    private final String text;

    HostPattern(Kind kind, String domain, Cidr cidr, PortRule port) {
        this.kind = kind;
        this.domain = domain;
        this.cidr = cidr;
        this.port = port;
        this.text = textOf(kind, domain, cidr, port);
    }

    /**
     * Parses an entry as written in configuration or on the command line.
     *
     * @throws InvalidPatternException saying what is wrong and what to write instead, for
     *     malformed entries, ports outside 1..65535, CIDR blocks with host bits set, and entries
     *     that are too broad: {@code *}, {@code *.com}, {@code .co.uk}, {@code *.github.io}
     *     (anyone can register names under a public suffix, including private ones such as
     *     github.io), a {@code *} anywhere but as the whole first label, {@code 0.0.0.0/0} and
     *     {@code ::/0}
     */
    public static HostPattern parse(String text) {
        return PatternParser.parse(text);
    }

    /**
     * True when a connection to {@code host:port} is covered by this entry alone, reading a
     * port-less entry as any port (a {@link Policy} applies its default ports on top). An IPv4
     * entry also covers the IPv4-mapped IPv6 spelling of its addresses, which reaches the same host.
     */
    public boolean matches(Host host, int port) {
        return this.port.admits(port, Set.of()) && matchesHost(host);
    }

    /** The canonical text, e.g. {@code *.example.com:443}, {@code [::1]:443}, {@code 10.0.0.0/8}. */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HostPattern && ((HostPattern) other).text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** True for the names {@code localhost} and {@code host.docker.internal} and loopback literals. */
    static boolean isLocalhost(Host host) {
        return host.isLiteral() ? Addresses.isLoopback(host.literal()) : isLocalhostName(host.name());
    }

    static boolean isLocalhostName(String name) {
        return name.equals("localhost") || name.equals("host.docker.internal");
    }

    Kind kind() {
        return kind;
    }

    /** The name for EXACT, the suffix for SUBDOMAINS and DOMAIN, null otherwise. */
    String domain() {
        return domain;
    }

    /** The block for ADDRESS and CIDR, null otherwise. */
    Cidr cidr() {
        return cidr;
    }

    PortRule port() {
        return port;
    }

    /** True when this entry admits every host and port that {@code other} admits, under the policy's default ports. */
    boolean covers(HostPattern other, Set<Integer> defaults) {
        return port.covers(other.port, defaults) && coversHosts(other);
    }

    private boolean matchesHost(Host host) {
        switch (kind) {
            case LOCALHOST:
                return isLocalhost(host);
            case ADDRESS:
            case CIDR:
                if (!host.isLiteral()) {
                    return false;
                }
                Inet4Address mapped = Addresses.mappedIpv4(host.literal());
                return cidr.contains(host.literal()) || (mapped != null && cidr.contains(mapped));
            default:
                return !host.isLiteral() && matchesName(host.name());
        }
    }

    /** Name matching for the three name kinds; false for the others. */
    boolean matchesName(String name) {
        switch (kind) {
            case EXACT:
                return name.equals(domain);
            case SUBDOMAINS:
                return isBelow(name, domain);
            case DOMAIN:
                return name.equals(domain) || isBelow(name, domain);
            default:
                return false;
        }
    }

    private boolean coversHosts(HostPattern other) {
        switch (kind) {
            case LOCALHOST:
                return other.kind == Kind.LOCALHOST || (other.cidr != null && (LOOPBACK_V4.contains(other.cidr)
                        || LOOPBACK_V6.contains(other.cidr)));
            case ADDRESS:
            case CIDR:
                return other.cidr != null && cidr.contains(other.cidr);
            case EXACT:
                return other.kind == Kind.EXACT && other.domain.equals(domain);
            case SUBDOMAINS:
                // '*.s' covers names below s, and '*.s' itself; never the apex s.
                return other.domain != null && (matchesName(other.domain)
                        || (other.kind == Kind.SUBDOMAINS && other.domain.equals(domain)));
            default: // DOMAIN
                return other.domain != null && matchesName(other.domain);
        }
    }

    private static boolean isBelow(String name, String suffix) {
        return name.length() > suffix.length() + 1 && name.endsWith(suffix)
                && name.charAt(name.length() - suffix.length() - 1) == '.';
    }

    private static String textOf(Kind kind, String domain, Cidr cidr, PortRule port) {
        switch (kind) {
            case EXACT:
                return domain + port.suffix();
            case SUBDOMAINS:
                return "*." + domain + port.suffix();
            case DOMAIN:
                return "." + domain + port.suffix();
            case LOCALHOST:
                return "localhost" + port.suffix();
            default:
                // IPv6 needs brackets only when a port follows, and then they are required.
                return cidr.v6() && !port.isDefault()
                        ? "[" + cidr.text() + "]" + port.suffix()
                        : cidr.text() + port.suffix();
        }
    }
}
