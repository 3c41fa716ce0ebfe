package io.egressproxy.core.policy;

import static io.egressproxy.core.policy.AddressClass.BROADCAST;
import static io.egressproxy.core.policy.AddressClass.CGNAT;
import static io.egressproxy.core.policy.AddressClass.LINK_LOCAL;
import static io.egressproxy.core.policy.AddressClass.LOOPBACK;
import static io.egressproxy.core.policy.AddressClass.MULTICAST;
import static io.egressproxy.core.policy.AddressClass.PRIVATE;
import static io.egressproxy.core.policy.AddressClass.PUBLIC;
import static io.egressproxy.core.policy.AddressClass.RESERVED;
import static io.egressproxy.core.policy.AddressClass.UNSPECIFIED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.net.InetAddress;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(10)
class AddressClassTest {

    static Stream<Arguments> addresses() {
        return Stream.of(
                arguments("loopback", "127.0.0.1", LOOPBACK),
                arguments("loopback, top of /8", "127.255.255.254", LOOPBACK),
                arguments("IPv6 loopback", "::1", LOOPBACK),
                arguments("loopback, IPv4-mapped", "::ffff:127.0.0.1", LOOPBACK),
                arguments("loopback, IPv4-translated", "::ffff:0:127.0.0.1", LOOPBACK),
                arguments("loopback, IPv4-compatible", "::127.0.0.1", LOOPBACK),
                arguments("loopback, NAT64", "64:ff9b::127.0.0.1", LOOPBACK),
                arguments("loopback, 6to4", "2002:7f00:1::", LOOPBACK),

                arguments("RFC 1918 10/8", "10.0.0.5", PRIVATE),
                arguments("10/8, IPv4-mapped", "::ffff:10.0.0.5", PRIVATE),
                arguments("10/8, IPv4-compatible", "::10.0.0.5", PRIVATE),
                arguments("10/8, NAT64", "64:ff9b::a00:5", PRIVATE),
                arguments("10/8, 6to4", "2002:a00:5::1", PRIVATE),
                arguments("RFC 1918 172.16/12", "172.16.0.5", PRIVATE),
                arguments("top of 172.16/12", "172.31.255.255", PRIVATE),
                arguments("just above 172.16/12", "172.32.0.1", PUBLIC),
                arguments("RFC 1918 192.168/16", "192.168.1.5", PRIVATE),
                arguments("IPv6 unique-local", "fd00::5", PRIVATE),
                arguments("IPv6 unique-local fc00", "fc00::1", PRIVATE),
                arguments("IPv6 site-local (deprecated)", "fec0::1", PRIVATE),

                arguments("cloud metadata", "169.254.169.254", LINK_LOCAL),
                arguments("metadata, IPv4-mapped", "::ffff:169.254.169.254", LINK_LOCAL),
                arguments("metadata, IPv4-compatible", "::169.254.169.254", LINK_LOCAL),
                arguments("metadata, NAT64", "64:ff9b::a9fe:a9fe", LINK_LOCAL),
                arguments("metadata, 6to4", "2002:a9fe:a9fe::", LINK_LOCAL),
                arguments("ECS task metadata", "169.254.170.2", LINK_LOCAL),
                arguments("IPv6 link-local", "fe80::1", LINK_LOCAL),
                arguments("AWS IPv6 metadata", "fd00:ec2::254", LINK_LOCAL),

                arguments("this host", "0.0.0.0", UNSPECIFIED),
                arguments("this network", "0.1.2.3", UNSPECIFIED),
                arguments("IPv6 unspecified", "::", UNSPECIFIED),
                arguments("unspecified, IPv4-mapped", "::ffff:0.0.0.0", UNSPECIFIED),
                arguments("unspecified, NAT64", "64:ff9b::", UNSPECIFIED),
                arguments("unspecified, 6to4", "2002::", UNSPECIFIED),

                arguments("shared address space", "100.64.0.1", CGNAT),
                arguments("top of 100.64/10", "100.127.255.255", CGNAT),
                arguments("Alibaba metadata", "100.100.100.200", CGNAT),
                arguments("just above 100.64/10", "100.128.0.0", PUBLIC),

                arguments("IPv4 multicast", "224.0.0.1", MULTICAST),
                arguments("SSDP multicast", "239.255.255.250", MULTICAST),
                arguments("IPv6 multicast", "ff02::1", MULTICAST),
                arguments("limited broadcast", "255.255.255.255", BROADCAST),
                arguments("broadcast, IPv4-mapped", "::ffff:255.255.255.255", BROADCAST),

                arguments("class E", "240.0.0.1", RESERVED),
                arguments("IETF protocol assignments", "192.0.0.8", RESERVED),
                arguments("benchmarking", "198.18.0.1", RESERVED),
                arguments("6to4 relay anycast", "192.88.99.1", RESERVED),
                arguments("IPv6 discard", "100::1", RESERVED),
                arguments("Teredo", "2001::1", RESERVED),
                arguments("local-use NAT64", "64:ff9b:1::1", RESERVED),
                arguments("unallocated IPv6", "1::", RESERVED),
                arguments("rest of ::/8", "::1:0:0:0", RESERVED),

                arguments("public IPv4", "93.184.216.34", PUBLIC),
                arguments("public resolver", "8.8.8.8", PUBLIC),
                arguments("public, IPv4-mapped", "::ffff:8.8.8.8", PUBLIC),
                arguments("public, NAT64", "64:ff9b::808:808", PUBLIC),
                arguments("public, 6to4", "2002:808:808::1", PUBLIC),
                arguments("public IPv6", "2606:4700:4700::1111", PUBLIC),
                arguments("TEST-NET-1 (documentation counts as public)", "192.0.2.10", PUBLIC),
                arguments("TEST-NET-2", "198.51.100.7", PUBLIC),
                arguments("TEST-NET-3", "203.0.113.9", PUBLIC),
                arguments("IPv6 documentation", "2001:db8::1", PUBLIC));
    }

    @ParameterizedTest(name = "{0}: {1} is {2}")
    @MethodSource("addresses")
    void classifiesByTheAddressThatIsReallyReached(String name, String address, AddressClass expected) throws Exception {
        InetAddress parsed = HostNames.parse(address).literal();

        assertThat(AddressClass.of(parsed)).isEqualTo(expected);
        assertThat(AddressClass.of(parsed).isPublic()).isEqualTo(expected == PUBLIC);
    }

    @Test
    void classifiesMappedAddressesThatJavaTurnedIntoIpv4() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 169, (byte) 254, (byte) 169, (byte) 254};

        assertThat(AddressClass.of(InetAddress.getByAddress(mapped))).isEqualTo(LINK_LOCAL);
    }

    @Test
    void labelsReadAsPartOfAReason() {
        assertThat(LOOPBACK.label()).isEqualTo("loopback");
        assertThat(PRIVATE.label()).isEqualTo("private (RFC 1918 / IPv6 ULA)");
        assertThat(LINK_LOCAL.label()).isEqualTo("link-local / cloud metadata");
        assertThat(CGNAT.label()).isEqualTo("carrier-grade NAT (RFC 6598)");
        assertThat(UNSPECIFIED.label()).isEqualTo("unspecified (0.0.0.0 / ::)");
        assertThat(PUBLIC.label()).isEqualTo("public");
        assertThat(AddressClass.values()).allSatisfy(c -> assertThat(c.label()).isNotBlank());
    }
}
