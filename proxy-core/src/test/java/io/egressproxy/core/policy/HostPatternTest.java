package io.egressproxy.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(10)
class HostPatternTest {

    @ParameterizedTest(name = "{0}: ''{1}'' is ''{2}''")
    @CsvSource(delimiter = '|', textBlock = """
            exact name                         | api.example.com              | api.example.com
            exact name with port               | api.example.com:443          | api.example.com:443
            explicit any port                  | api.example.com:*            | api.example.com:*
            case and trailing dot              | API.Example.COM.:443         | api.example.com:443
            surrounding spaces                 | '  api.example.com  '        | api.example.com
            IDN name                           | bücher.example               | xn--bcher-kva.example
            sub-domains only                   | *.example.com                | *.example.com
            sub-domains with port              | *.cdn.example.com:443        | *.cdn.example.com:443
            IDN under a wildcard               | *.bücher.example             | *.xn--bcher-kva.example
            domain and sub-domains             | .example.com                 | .example.com
            domain, any port                   | .example.com:*               | .example.com:*
            IPv4 address                       | 127.0.0.1                    | 127.0.0.1
            IPv4 address with port             | 127.0.0.1:8080               | 127.0.0.1:8080
            legacy IPv4 spelling normalised    | 0177.0.0.1:8080              | 127.0.0.1:8080
            decimal IPv4 spelling normalised   | 2130706433                   | 127.0.0.1
            IPv6 address, bare                 | ::1                          | ::1
            IPv6 address in brackets           | [::1]                        | ::1
            IPv6 address with port             | [::1]:443                    | [::1]:443
            IPv6 address canonicalised         | [0:0:0:0:0:ffff:7f00:1]:80   | [::ffff:127.0.0.1]:80
            IPv4 CIDR                          | 10.0.0.0/8                   | 10.0.0.0/8
            IPv4 CIDR with port                | 10.0.0.0/8:443               | 10.0.0.0/8:443
            full-length CIDR is one address    | 10.0.0.5/32                  | 10.0.0.5
            IPv6 CIDR                          | fd00::/8                     | fd00::/8
            IPv6 CIDR with port                | [fd00::/8]:443               | [fd00::/8]:443
            IPv6 CIDR in brackets, no port     | [fd00::/8]                   | fd00::/8
            localhost                          | localhost                    | localhost
            localhost with port                | localhost:12434              | localhost:12434
            localhost shouted                  | LOCALHOST.:12434             | localhost:12434
            host.docker.internal is localhost  | host.docker.internal:12434   | localhost:12434
            registrable domain under co.uk     | *.example.co.uk              | *.example.co.uk
            exact public suffix is one host    | co.uk                        | co.uk
            """)
    void parsesEveryFormToCanonicalText(String name, String text, String canonical) {
        HostPattern pattern = HostPattern.parse(text);

        assertThat(pattern.text()).isEqualTo(canonical);
        assertThat(pattern).hasToString(canonical);
        assertThat(HostPattern.parse(canonical)).isEqualTo(pattern);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                arguments("every host", "*", "pattern '*' is too broad: it matches every host; name the hosts you need, "
                        + "such as 'api.example.com' or '*.example.com'"),
                arguments("every host, two labels", "*.*", "pattern '*.*' is too broad: it matches every host; name the "
                        + "hosts you need, such as 'api.example.com' or '*.example.com'"),
                arguments("every host with a port", "*:443", "pattern '*:443' is too broad: it matches every host"),
                arguments("a lone dot", ".", "pattern '.' is too broad: it matches every host"),
                arguments("wildcard over a TLD", "*.com", "pattern '*.com' is too broad: it matches every host under the "
                        + "public suffix 'com', where anyone can register names; name a domain such as '*.example.com'"),
                arguments("dot-suffix over a TLD", ".com", "pattern '.com' is too broad: it matches every host under the "
                        + "public suffix 'com', where anyone can register names; name a domain such as '.example.com'"),
                arguments("wildcard over a multi-label public suffix", "*.co.uk", "pattern '*.co.uk' is too broad: it "
                        + "matches every host under the public suffix 'co.uk', where anyone can register names; name a "
                        + "domain such as '*.example.co.uk'"),
                arguments("wildcard over a private public suffix", "*.github.io", "pattern '*.github.io' is too broad: "
                        + "it matches every host under the public suffix 'github.io', where anyone can register names; "
                        + "name a domain such as '*.example.github.io'"),
                arguments("dot-suffix over a cloud suffix", ".s3.amazonaws.com", "pattern '.s3.amazonaws.com' is too "
                        + "broad: it matches every host under the public suffix 's3.amazonaws.com'"),
                arguments("wildcard over an unlisted TLD", "*.internal", "pattern '*.internal' is too broad: it matches "
                        + "every host under the top-level domain 'internal'; name a domain such as '*.example.internal'"),
                arguments("two wildcards", "*.*.example.com", "pattern '*.*.example.com' is refused: '*' may only be the "
                        + "whole first label, and a leading '*.' already matches sub-domains at any depth; write "
                        + "'*.example.com' or list the hosts you need"),
                arguments("wildcard in the middle", "foo.*.example.com", "pattern 'foo.*.example.com' is refused: '*' "
                        + "may only be the whole first label, and a leading '*.' already matches sub-domains at any "
                        + "depth; write '*.example.com' or list the hosts you need"),
                arguments("wildcard at the end", "example.*", "pattern 'example.*' is refused: '*' may only be the "
                        + "whole first label"),
                arguments("wildcard glued to a label", "*example.com", "pattern '*example.com' is refused: '*' must be a "
                        + "whole label, not part of one; write '*.example.com' for sub-domains or '.example.com' for the "
                        + "domain and its sub-domains"),
                arguments("wildcard inside a label", "api-*.example.com", "pattern 'api-*.example.com' is refused: '*' "
                        + "must be a whole label, not part of one; write '*.example.com' for sub-domains or "
                        + "'.example.com' for the domain and its sub-domains"),
                arguments("wildcard over an address", "*.127.0.0.1", "pattern '*.127.0.0.1' puts a wildcard over an IP "
                        + "address; wildcards apply to names only; for a range of addresses write a CIDR block such as "
                        + "'10.0.0.0/8'"),
                arguments("every IPv4 address", "0.0.0.0/0", "pattern '0.0.0.0/0' is too broad: it matches every IPv4 "
                        + "address; name the network you need, such as '10.0.0.0/8', or one address such as "
                        + "'10.0.0.5:8080'"),
                arguments("all IPv4 as mapped IPv6", "::ffff:0:0/96", "pattern '::ffff:0:0/96' is too broad: it contains "
                        + "every IPv4 address written as IPv4-mapped IPv6 (::ffff:0:0/96); name the IPv4 network you need, "
                        + "such as '10.0.0.0/8'"),
                arguments("all IPv4 as NAT64", "64:ff9b::/64", "pattern '64:ff9b::/64' is too broad: it contains every "
                        + "IPv4 address written as NAT64 (64:ff9b::/96); name the IPv4 network you need, such as '10.0.0.0/8'"),
                arguments("every IPv6 address", "::/0", "pattern '::/0' is too broad: it matches every IPv6 address; "
                        + "name the network you need, such as 'fd00::/8', or one address such as '[fd00::5]:8080'"),
                arguments("host bits set", "10.1.2.3/8", "pattern '10.1.2.3/8' has address bits set beyond the /8 "
                        + "prefix; write the network '10.0.0.0/8', or '10.1.2.3' for the single address"),
                arguments("IPv6 host bits set", "fd00::1/8", "pattern 'fd00::1/8' has address bits set beyond the /8 "
                        + "prefix; write the network 'fd00::/8', or 'fd00::1' for the single address"),
                arguments("short CIDR notation", "10/8", "pattern '10/8' writes the network as '10', which reads as "
                        + "0.0.0.10; write a CIDR network as four decimal numbers, such as '10.0.0.0/8'"),
                arguments("octal CIDR network", "012.0.0.0/8", "pattern '012.0.0.0/8' writes the network as "
                        + "'012.0.0.0', which reads as 10.0.0.0; write a CIDR network as four decimal numbers, such as "
                        + "'10.0.0.0/8'"),
                arguments("prefix too long", "10.0.0.0/33", "pattern '10.0.0.0/33' has an invalid prefix length '33'; "
                        + "write a number from 0 to 32, such as '10.0.0.0/24'"),
                arguments("prefix not a number", "fd00::/x", "pattern 'fd00::/x' has an invalid prefix length 'x'; write a number from 0 "
                        + "to 128, such as 'fd00::/64'"),
                arguments("path after a name", "example.com/path", "pattern 'example.com/path' contains '/', but "
                        + "'example.com' is not an IP address; only CIDR blocks such as '10.0.0.0/8' contain '/'; write "
                        + "the host alone, such as 'example.com'"),
                arguments("port 0", "api.example.com:0", "pattern 'api.example.com:0' has port 0, outside 1..65535; "
                        + "write a port such as ':443', or ':*' for any port"),
                arguments("port too high", "api.example.com:65536", "pattern 'api.example.com:65536' has port 65536, "
                        + "outside 1..65535; write a port such as ':443', or ':*' for any port"),
                arguments("port not a number", "api.example.com:https", "pattern 'api.example.com:https' has an "
                        + "invalid port 'https'; write a number from 1 to 65535, or '*' for any port"),
                arguments("empty port", "api.example.com:", "pattern 'api.example.com:' ends with ':' but has no port; "
                        + "write a port such as ':443', or ':*' for any port"),
                arguments("URL instead of a host", "https://api.example.com", "pattern 'https://api.example.com' has a "
                        + "URL scheme; write only the host and port, such as 'example.com:443'"),
                arguments("empty", "  ", "pattern is empty; write a host such as 'api.example.com' or '*.example.com'"),
                arguments("null", null, "pattern is missing; write a host such as 'api.example.com'"),
                arguments("unbalanced bracket", "[::1:443", "pattern '[::1:443' has an unbalanced '['; write an IPv6 "
                        + "address as '[::1]:443' or '::1'"),
                arguments("junk after bracket", "[::1]443", "pattern '[::1]443' has text after ']' that is not a port; "
                        + "write it as '[::1]:443'"),
                arguments("brackets around IPv4", "[127.0.0.1]:80", "pattern '[127.0.0.1]:80' has an invalid host: host "
                        + "'[127.0.0.1]' has brackets, which are only for IPv6 addresses; write it without them"),
                arguments("bad character", "api.example.com%2e", "pattern 'api.example.com%2e' has an invalid host: "
                        + "host 'api.example.com%2e' contains '%'"),
                arguments("zone id", "fe80::1%eth0", "pattern 'fe80::1%eth0' has an invalid host: host 'fe80::1%eth0' "
                        + "has an IPv6 zone id"),
                arguments("not an address", "999.1.1.1", "pattern '999.1.1.1' has an invalid host: host '999.1.1.1' "
                        + "ends in a number but is not a valid IPv4 address"));
    }

    @ParameterizedTest(name = "{0}: ''{1}''")
    @MethodSource("refused")
    void refusesWithWhatIsWrongAndWhatToWriteInstead(String name, String text, String message) {
        assertThatThrownBy(() -> HostPattern.parse(text))
                .isInstanceOf(InvalidPatternException.class)
                .hasMessageStartingWith(message);
    }

    static Stream<Arguments> boundaries() {
        return Stream.of(
                // C06: suffix and wildcard boundaries
                arguments("glued prefix is not a sub-domain", "*.cdn.example.com", "evilcdn.example.com", false),
                arguments("bare apex of a wildcard", "*.cdn.example.com", "cdn.example.com", false),
                arguments("allowed name as a prefix of an evil one", "*.cdn.example.com",
                        "cdn.example.com.evil.example.net", false),
                arguments("sub-domain as a prefix of an evil one", "*.cdn.example.com",
                        "a.cdn.example.com.evil.example.net", false),
                arguments("one level below", "*.cdn.example.com", "a.cdn.example.com", true),
                arguments("two levels below (any depth)", "*.cdn.example.com", "a.b.cdn.example.com", true),
                arguments("case folded before matching", "*.cdn.example.com", "A.CDN.Example.COM.", true),
                arguments("exact: glued prefix", "www.example.net", "xwww.example.net", false),
                arguments("exact: as prefix of an evil name", "www.example.net", "www.example.net.evil.example.net", false),
                arguments("exact: sub-domain", "www.example.net", "a.www.example.net", false),
                arguments("exact: itself", "www.example.net", "www.example.net", true),
                arguments("dot-suffix: apex", ".example.com", "example.com", true),
                arguments("dot-suffix: deep sub-domain", ".example.com", "a.b.c.example.com", true),
                arguments("dot-suffix: glued prefix", ".example.com", "badexample.com", false),
                arguments("IDN entry matches punycode host", "b\u00fccher.example", "xn--bcher-kva.example", true),
                // names and addresses never match each other
                arguments("name entry vs address", ".example.com", "93.184.216.34", false),
                arguments("address entry vs name", "10.0.0.0/8", "10.0.0.5.nip.io", false),
                arguments("CIDR contains address", "10.0.0.0/8", "10.200.3.4", true),
                arguments("CIDR contains legacy spelling", "10.0.0.0/8", "012.0.0.1", true),
                arguments("CIDR excludes neighbour", "10.0.0.0/8", "11.0.0.1", false),
                arguments("IPv4 entry covers mapped IPv6 spelling", "127.0.0.1", "[::ffff:127.0.0.1]", true),
                arguments("IPv4 entry does not cover NAT64 spelling", "127.0.0.1", "64:ff9b::7f00:1", false),
                arguments("IPv4 entry does not cover ::1", "127.0.0.1", "::1", false),
                arguments("IPv6 CIDR", "fd00::/8", "fd12::1", true),
                // localhost means this machine's loopback, nothing more
                arguments("localhost: the name", "localhost", "localhost", true),
                arguments("localhost: docker's name for the host", "localhost", "host.docker.internal", true),
                arguments("localhost: 127.0.0.1", "localhost", "127.0.0.1", true),
                arguments("localhost: all of 127/8", "localhost", "127.0.0.2", true),
                arguments("localhost: ::1", "localhost", "::1", true),
                arguments("localhost: mapped loopback", "localhost", "[::ffff:127.0.0.1]", true),
                arguments("localhost: not 0.0.0.0", "localhost", "0.0.0.0", false),
                arguments("localhost: not metadata", "localhost", "169.254.169.254", false),
                arguments("localhost: not RFC 1918", "localhost", "10.0.0.1", false),
                arguments("localhost: not a sub-domain", "localhost", "evil.localhost", false),
                arguments("localhost: not 6to4 loopback", "localhost", "2002:7f00:1::", false));
    }

    @ParameterizedTest(name = "{0}: ''{1}'' vs {2} -> {3}")
    @MethodSource("boundaries")
    void matchesOnlyAtLabelBoundaries(String name, String pattern, String host, boolean matches) throws Exception {
        assertThat(HostPattern.parse(pattern).matches(HostNames.parse(host), 443)).isEqualTo(matches);
    }

    @ParameterizedTest(name = "{0}: ''{1}'' vs {2}:{3} -> {4}")
    @CsvSource(delimiter = '|', textBlock = """
            port as written              | api.example.com:443  | api.example.com | 443   | true
            other port                   | api.example.com:443  | api.example.com | 8443  | false
            ssh port                     | api.example.com:443  | api.example.com | 22    | false
            no port is any port          | api.example.com      | api.example.com | 25    | true
            explicit any port            | api.example.com:*    | api.example.com | 25    | true
            localhost port as written    | localhost:12434      | 127.0.0.1       | 12434 | true
            localhost other port         | localhost:12434      | 127.0.0.1       | 8080  | false
            IPv6 address port            | [::1]:443            | ::1             | 443   | true
            IPv6 address other port      | [::1]:443            | ::1             | 80    | false
            """)
    void matchesPortsAsWritten(String name, String pattern, String host, int port, boolean matches) throws Exception {
        assertThat(HostPattern.parse(pattern).matches(HostNames.parse(host), port)).isEqualTo(matches);
    }

    @Test
    void equalsByCanonicalText() {
        assertThat(HostPattern.parse("API.example.com.:443")).isEqualTo(HostPattern.parse("api.example.com:443"))
                .hasSameHashCodeAs(HostPattern.parse("api.example.com:443"))
                .isNotEqualTo(HostPattern.parse("api.example.com"));
    }
}
