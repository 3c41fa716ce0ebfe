package io.egressproxy.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.net.Inet6Address;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(10)
class HostNamesTest {

    static Stream<Arguments> addresses() {
        return Stream.of(
                // C03: every legacy IPv4 spelling is the address inet_aton makes of it
                arguments("decimal 32-bit", "2130706433", "127.0.0.1"),
                arguments("hex 32-bit", "0x7f000001", "127.0.0.1"),
                arguments("upper-case hex", "0X7F000001", "127.0.0.1"),
                arguments("octal 32-bit", "017700000001", "127.0.0.1"),
                arguments("hex first part", "0x7f.0.0.1", "127.0.0.1"),
                arguments("octal first part", "0177.0.0.1", "127.0.0.1"),
                arguments("two parts", "127.1", "127.0.0.1"),
                arguments("two parts, hex", "0x7f.1", "127.0.0.1"),
                arguments("three parts", "10.1.2", "10.1.0.2"),
                arguments("three parts, mixed", "0x7f.0.01", "127.0.0.1"),
                arguments("leading zero is octal, like the resolver", "012.0.0.1", "10.0.0.1"),
                arguments("metadata in octal", "0251.0376.0251.0376", "169.254.169.254"),
                arguments("single zero", "0", "0.0.0.0"),
                arguments("bare 0x is zero, like inet_aton", "0x", "0.0.0.0"),
                arguments("trailing dot on an address", "127.0.0.1.", "127.0.0.1"),
                arguments("full-width digits (IDN maps them)", "\uff11\uff12\uff17.\uff10.\uff10.\uff11", "127.0.0.1"),
                arguments("plain dotted quad", "93.184.216.34", "93.184.216.34"),
                // IPv6: canonical RFC 5952 text, no brackets
                arguments("unspecified in brackets", "[::]", "::"),
                arguments("loopback without brackets", "::1", "::1"),
                arguments("loopback in brackets", "[::1]", "::1"),
                arguments("mapped dotted", "[::ffff:127.0.0.1]", "::ffff:127.0.0.1"),
                arguments("mapped in full hex", "[0:0:0:0:0:ffff:7f00:1]", "::ffff:127.0.0.1"),
                arguments("mapped short hex", "::ffff:7f00:1", "::ffff:127.0.0.1"),
                arguments("upper case and leading zeros", "[FD00:0EC2:0:0:0:0:0:0254]", "fd00:ec2::254"),
                arguments("longest zero run is compressed", "2001:db8:0:0:1:0:0:0", "2001:db8:0:0:1::"),
                arguments("first of equal zero runs is compressed", "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
                arguments("single zero group stays", "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
                arguments("NAT64 with dotted tail", "64:ff9b::127.0.0.1", "64:ff9b::7f00:1"));
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("addresses")
    void readsEveryAddressSpellingAsTheAddressItIs(String name, String raw, String canonical) throws Exception {
        Host host = HostNames.parse(raw);

        assertThat(host.isLiteral()).isTrue();
        assertThat(host.name()).isEqualTo(canonical);
        assertThat(Addresses.text(host.literal())).isEqualTo(canonical);
        // The address carries its own text: getHostName() must not do a reverse lookup.
        assertThat(host.literal().getHostName()).isEqualTo(canonical);
    }

    static Stream<Arguments> names() {
        return Stream.of(
                arguments("lower case", "api.example.com", "api.example.com"),
                arguments("upper case and trailing dot", "API.Example.COM.", "api.example.com"),
                arguments("localhost shouted with a dot", "LOCALHOST.", "localhost"),
                arguments("underscore label", "_dmarc.example.com", "_dmarc.example.com"),
                arguments("IDN to punycode", "b\u00fccher.example", "xn--bcher-kva.example"),
                arguments("IDN upper case", "B\u00dcCHER.example", "xn--bcher-kva.example"),
                arguments("ideographic full stop is a dot", "a\u3002example\uff0ecom", "a.example.com"),
                arguments("numeric labels before a name", "1.2.3.example.com", "1.2.3.example.com"),
                arguments("hex-looking label that is not a number", "0x1g.example", "0x1g.example"),
                arguments("63-character label", "a".repeat(63) + ".example", "a".repeat(63) + ".example"));
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("names")
    void normalisesNames(String name, String raw, String canonical) throws Exception {
        Host host = HostNames.parse(raw);

        assertThat(host.isLiteral()).isFalse();
        assertThat(host.literal()).isNull();
        assertThat(host.name()).isEqualTo(canonical);
        assertThat(host.uriForm()).isEqualTo(canonical);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                // C08: authority confusion never yields a host
                arguments("percent-encoded dot", "www.example.com%2eevil.example.net",
                        "host 'www.example.com%2eevil.example.net' contains '%', which is not allowed in a host name "
                                + "(percent-encoding is not accepted in a host); only letters, digits, '-', '_' and '.' "
                                + "are allowed"),
                arguments("percent-encoded NUL", "www.example.com%00.evil.example.net", "contains '%'"),
                arguments("raw NUL", "www.example.com\u0000.evil.example.net",
                        "host 'www.example.com\\x00.evil.example.net' contains '\\x00', which is not allowed"),
                arguments("backslash", "evil.example.net\\", "host 'evil.example.net\\\\' contains '\\', which is not "
                        + "allowed in a host name (it ends or confuses the authority of a URL)"),
                arguments("fragment", "evil.example.net#", "contains '#', which is not allowed in a host name (it ends"),
                arguments("query", "evil.example.net?.www.example.com", "contains '?'"),
                arguments("userinfo", "api.example.com@evil.example.net",
                        "contains '@', which is not allowed in a host name (user information is not accepted"),
                arguments("space", "www.example.com evil", "contains ' '"),
                arguments("tab", "www.example.com\tevil", "contains '\\x09'"),
                arguments("CR LF", "www.example.com\r\nX-Evil: 1", "contains '\\x0d'"),
                arguments("slash", "www.example.com/evil", "contains '/'"),
                arguments("full-width percent becomes '%'", "a\uff05b.example", "host 'a\\uff05b.example' contains '%'"),
                arguments("empty", "", "host is empty; a host name or IP address is required"),
                arguments("null", null, "host is empty"),
                arguments("lone dot", ".", "has an empty label"),
                arguments("two dots", "..", "host '..' has an empty label (two dots in a row, or a dot at the start or "
                        + "end); write a name such as 'api.example.com'"),
                arguments("empty label inside", "a..example.com", "has an empty label"),
                arguments("leading dot", ".example.com", "has an empty label"),
                arguments("two trailing dots", "example.com..", "has an empty label"),
                arguments("label too long", "a".repeat(64) + ".example",
                        "is not a valid host name: label 1 is 64 characters long; a label has at most 63"),
                arguments("name too long", ("a".repeat(60) + ".").repeat(5) + "com",
                        "is 308 characters long; a host name has at most 253"),
                arguments("prohibited IDN code point", "a\ue000.example", "host 'a\\ue000.example' is not a valid "
                        + "internationalised domain name: it contains a character that IDNA prohibits"),
                arguments("unassigned code point", "\u0600ab\u00fc.example", "is not a valid internationalised domain "
                        + "name: it contains a code point that Unicode has not assigned"),
                arguments("label too long after punycode", "x".repeat(60) + "\u00fc.example", "is not a valid "
                        + "internationalised domain name: a label is longer than 63 characters once converted to "
                        + "punycode"),
                // IPv6 zone ids mean a local interface
                arguments("zone id", "fe80::1%eth0", "host 'fe80::1%eth0' has an IPv6 zone id ('%eth0'); zone ids name "
                        + "a local interface and are not accepted by an egress proxy; write the address without it"),
                arguments("encoded zone id in brackets", "[fe80::1%25eth0]", "has an IPv6 zone id ('%25eth0')"),
                // numbers that are not addresses are not names either
                arguments("five parts", "1.2.3.4.5", "host '1.2.3.4.5' ends in a number but is not a valid IPv4 address: "
                        + "it has 5 parts; an IPv4 address has at most 4; write the address as four numbers 0-255, e.g. "
                        + "'10.0.0.1'"),
                arguments("part over 255", "999.1.1.1", "part '999' is larger than 255"),
                arguments("last of two parts over 24 bits", "127.16777216", "part '16777216' is larger than 16777215"),
                arguments("over 32 bits", "4294967296", "part '4294967296' is larger than 4294967295"),
                arguments("8 in an octal part", "08.0.0.1", "part '08' is not a valid octal (it starts with 0) number"),
                arguments("numeric top-level label", "example.123", "ends in a number but is not a valid IPv4 address"),
                arguments("hex top-level label", "example.0x1f", "ends in a number but is not a valid IPv4 address"),
                // malformed IPv6
                arguments("brackets around IPv4", "[127.0.0.1]", "has brackets, which are only for IPv6 addresses"),
                arguments("unbalanced open bracket", "[::1", "has an unbalanced '['"),
                arguments("unbalanced close bracket", "::1]", "has unbalanced brackets"),
                arguments("two '::'", "1::2::3", "is not a valid IPv6 address: it has more than one '::'"),
                arguments("triple colon", ":::1", "it has more than one '::'"),
                arguments("too many groups", "1:2:3:4:5:6:7:8:9", "it has 9 groups; an IPv6 address has 8"),
                arguments("group too long", "12345::", "group '12345' is not 1 to 4 hex digits"),
                arguments("octal in dotted tail", "::ffff:0177.0.0.1", "must be four decimal numbers 0-255 without "
                        + "leading zeros"),
                arguments("name with a port", "example.com:443", "host 'example.com:443' contains ':', which is not "
                        + "allowed in a host name (split off the port first; write IPv6 addresses as '[::1]')"),
                arguments("IPv6 with a stray letter", "fe80::1g", "is not a valid IPv6 address: it contains 'g'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesHostsThatCouldBeReadTwoWays(String name, String raw, String message) {
        assertThatThrownBy(() -> HostNames.parse(raw))
                .isInstanceOf(InvalidHostException.class)
                .hasMessageContaining(message);
    }

    @Test
    void echoesAtMostAHundredCharactersOfHostileInput() {
        String raw = "\u0000".repeat(5000) + "%";

        assertThatThrownBy(() -> HostNames.parse(raw))
                .isInstanceOf(InvalidHostException.class)
                .hasMessageStartingWith("host '" + "\\x00".repeat(100) + "'... (5001 characters) is too long")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(600).doesNotContain("\u0000"));
    }

    @Test
    void keepsMappedAddressesAsIpv6AndBracketsThemInUris() throws Exception {
        Host host = HostNames.parse("[::ffff:127.0.0.1]");

        assertThat(host.literal()).isInstanceOf(Inet6Address.class);
        assertThat(host.uriForm()).isEqualTo("[::ffff:127.0.0.1]");
        assertThat(host).hasToString("[::ffff:127.0.0.1]");
        assertThat(HostNames.parse("127.0.0.1").uriForm()).isEqualTo("127.0.0.1");
    }

    @Test
    void refusesHostsBuiltAroundTheParser() throws Exception {
        assertThatThrownBy(() -> new Host("API.example.com", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host 'API.example.com' is not in canonical form; obtain hosts from HostNames.parse");
        assertThatThrownBy(() -> new Host("127.1", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Host("10.0.0.1", HostNames.parse("127.0.0.1").literal()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
