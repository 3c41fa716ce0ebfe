package io.egressproxy.core.policy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;

/**
 * What kind of destination an address is, for the private-address guard: anything but
 * {@link #PUBLIC} is refused unless the address itself is allowed. IPv6 forms that carry an IPv4
 * address (mapped, translated, compatible, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) are
 * classified by that IPv4 address, so {@code ::ffff:127.0.0.1} is loopback and
 * {@code 2002:a9fe:a9fe::} is cloud metadata.
 *
 * <p>Documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) count as
 * public: they are routed nowhere, so nothing is exposed, and test beds use them as stand-ins for
 * internet upstreams. Unallocated IPv6 space outside {@code 2000::/3} counts as reserved.
 *
 * <p>Immutable; safe from any thread.
 */
public enum AddressClass {
    /** Globally routed unicast (and the documentation ranges). */
    PUBLIC("public"),
    /** 127.0.0.0/8 and {@code ::1}: this host. */
    LOOPBACK("loopback"),
    /** RFC 1918 (10/8, 172.16/12, 192.168/16), IPv6 unique-local fc00::/7 and deprecated site-local fec0::/10. */
    PRIVATE("private (RFC 1918 / IPv6 ULA)"),
    /** 169.254.0.0/16 (includes 169.254.169.254), fe80::/10, and the AWS metadata address fd00:ec2::254. */
    LINK_LOCAL("link-local / cloud metadata"),
    /** 100.64.0.0/10, shared address space used by carrier-grade NAT and some cloud services. */
    CGNAT("carrier-grade NAT (RFC 6598)"),
    /** 0.0.0.0/8 and {@code ::}; connecting to them reaches this host on common systems. */
    UNSPECIFIED("unspecified (0.0.0.0 / ::)"),
    /** 224.0.0.0/4 and ff00::/8. */
    MULTICAST("multicast"),
    /** 255.255.255.255. */
    BROADCAST("broadcast"),
    /**
     * Special-purpose ranges no upstream lives in: 240/4, 192.0.0.0/24, 198.18/15, 192.88.99/24,
     * 100::/64, 2001::/23, 64:ff9b:1::/48, and IPv6 outside 2000::/3.
     */
    RESERVED("reserved / special-purpose");

    private static final List<Range> IPV4 = List.of(
            range("255.255.255.255/32", BROADCAST),
            range("0.0.0.0/8", UNSPECIFIED),
            range("10.0.0.0/8", PRIVATE),
            range("100.64.0.0/10", CGNAT),
            range("127.0.0.0/8", LOOPBACK),
            range("169.254.0.0/16", LINK_LOCAL),
            range("172.16.0.0/12", PRIVATE),
            range("192.0.0.0/24", RESERVED),
            range("192.88.99.0/24", RESERVED),
            range("192.168.0.0/16", PRIVATE),
            range("198.18.0.0/15", RESERVED),
            range("224.0.0.0/4", MULTICAST),
            range("240.0.0.0/4", RESERVED));

    /** IPv6 ranges, most specific first; only consulted when no IPv4 address is embedded. */
    private static final List<Range> IPV6 = List.of(
            range("::/128", UNSPECIFIED),
            range("::1/128", LOOPBACK),
            range("fd00:ec2::254/128", LINK_LOCAL),
            range("::/8", RESERVED),
            range("64:ff9b:1::/48", RESERVED),
            range("100::/64", RESERVED),
            range("2001::/23", RESERVED),
            range("fc00::/7", PRIVATE),
            range("fe80::/10", LINK_LOCAL),
            range("fec0::/10", PRIVATE),
            range("ff00::/8", MULTICAST),
            range("2000::/3", PUBLIC));

    private final String label;

    AddressClass(String label) {
        this.label = label;
    }

    /** Words for a reason, e.g. "link-local / cloud metadata", used as "..., a {label} address". */
    public String label() {
        return label;
    }

    /** True only for {@link #PUBLIC}. */
    public boolean isPublic() {
        return this == PUBLIC;
    }

    /** Classifies an address, looking through IPv6 forms that embed an IPv4 address. */
    public static AddressClass of(InetAddress address) {
        Inet4Address embedded = Addresses.embeddedIpv4(address);
        InetAddress judged = embedded != null ? embedded : address;
        boolean v6 = judged.getAddress().length == 16;
        for (Range r : v6 ? IPV6 : IPV4) {
            if (r.cidr.contains(judged)) {
                return r.kind;
            }
        }
        return v6 ? RESERVED : PUBLIC;
    }

    private static Range range(String cidr, AddressClass kind) {
        int slash = cidr.indexOf('/');
        String address = cidr.substring(0, slash);
        byte[] bytes = address.indexOf(':') >= 0 ? Ipv6Literal.parse(address) : Ipv4Literal.parse(address);
        InetAddress a = bytes.length == 16 ? Addresses.v6(bytes) : Addresses.v4(bytes);
        return new Range(Cidr.of(a, Integer.parseInt(cidr.substring(slash + 1))), kind);
    }

    private record Range(Cidr cidr, AddressClass kind) {}
}
