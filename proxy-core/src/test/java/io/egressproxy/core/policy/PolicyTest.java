package io.egressproxy.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Name-level decisions ({@link Policy#decide}); the address guard is in {@link PolicyAddressGuardTest}. */
@Timeout(10)
class PolicyTest {

    /** CFG-BASE from CASES.md. */
    static final List<String> BASE = List.of(
            "api.example.com:443", "api.example.net:443", "www.example.com", "www.example.net", "*.cdn.example.com");

    static final Policy BASE_ANY_PORT = Policy.builder().allow(BASE).build();
    static final Policy BASE_WEB_PORTS = Policy.builder().allow(BASE).defaultPorts(Set.of(80, 443)).build();

    static Stream<Arguments> base() {
        return Stream.of(
                arguments("credential host on its port", "api.example.com", 443, true, "api.example.com:443",
                        "host 'api.example.com:443' is allowed by 'api.example.com:443' (egress-proxy.policy.allow[0])"),
                arguments("case and trailing dot do not matter", "API.Example.COM.", 443, true, "api.example.com:443",
                        "host 'api.example.com:443' is allowed by 'api.example.com:443' (egress-proxy.policy.allow[0])"),
                arguments("C11: other TLS port", "api.example.com", 8443, false, null,
                        "host 'api.example.com:8443' is not in the allow-list: port 8443 is not allowed "
                                + "('api.example.com:443' (egress-proxy.policy.allow[0]) allows only port 443); allow "
                                + "it with --allow-host api.example.com:8443 (or add it to egress-proxy.policy.allow)"),
                arguments("C11: ssh port", "api.example.com", 22, false, null,
                        "host 'api.example.com:22' is not in the allow-list: port 22 is not allowed "
                                + "('api.example.com:443' (egress-proxy.policy.allow[0]) allows only port 443); allow "
                                + "it with --allow-host api.example.com:22 (or add it to egress-proxy.policy.allow)"),
                arguments("C11: plain HTTP port", "api.example.com", 80, false, null,
                        "host 'api.example.com:80' is not in the allow-list: port 80 is not allowed "
                                + "('api.example.com:443' (egress-proxy.policy.allow[0]) allows only port 443); allow "
                                + "it with --allow-host api.example.com:80 (or add it to egress-proxy.policy.allow)"),
                arguments("port-less entry allows any port", "www.example.com", 25, true, "www.example.com",
                        "host 'www.example.com:25' is allowed by 'www.example.com' (egress-proxy.policy.allow[2])"),
                arguments("wildcard sub-domain", "a.cdn.example.com", 443, true, "*.cdn.example.com",
                        "host 'a.cdn.example.com:443' is allowed by '*.cdn.example.com' (egress-proxy.policy.allow[4])"),
                arguments("wildcard at any depth", "a.b.cdn.example.com", 80, true, "*.cdn.example.com",
                        "host 'a.b.cdn.example.com:80' is allowed by '*.cdn.example.com' (egress-proxy.policy.allow[4])"),
                arguments("C06: bare apex of a wildcard", "cdn.example.com", 80, false, null,
                        "host 'cdn.example.com:80' is not in the allow-list; allow it with --allow-host "
                                + "cdn.example.com:80 (or add it to egress-proxy.policy.allow)"),
                arguments("C06: glued prefix", "evilcdn.example.com", 80, false, null,
                        "host 'evilcdn.example.com:80' is not in the allow-list; allow it with --allow-host "
                                + "evilcdn.example.com:80 (or add it to egress-proxy.policy.allow)"),
                arguments("C06: allowed name as a prefix", "www.example.net.evil.example.net", 80, false, null,
                        "host 'www.example.net.evil.example.net:80' is not in the allow-list; allow it with "
                                + "--allow-host www.example.net.evil.example.net:80 (or add it to "
                                + "egress-proxy.policy.allow)"),
                arguments("unknown host", "evil.example.net", 443, false, null,
                        "host 'evil.example.net:443' is not in the allow-list; allow it with --allow-host "
                                + "evil.example.net:443 (or add it to egress-proxy.policy.allow)"),
                arguments("name entries never match an IPv4 literal", "93.184.216.34", 443, false, null,
                        "host '93.184.216.34:443' is not in the allow-list; allow it with --allow-host "
                                + "93.184.216.34:443 (or add it to egress-proxy.policy.allow)"),
                arguments("IPv6 literal in the suggestion has brackets", "2606:4700::1", 443, false, null,
                        "host '[2606:4700::1]:443' is not in the allow-list; allow it with --allow-host "
                                + "[2606:4700::1]:443 (or add it to egress-proxy.policy.allow)"),
                arguments("port outside range", "api.example.com", 0, false, null,
                        "port 0 of host 'api.example.com' is outside 1..65535"));
    }

    @ParameterizedTest(name = "{0}: {1}:{2} -> {3}")
    @MethodSource("base")
    void decidesOnNameAndPort(String name, String host, int port, boolean allowed, String rule, String reason)
            throws Exception {
        assertDecision(BASE_ANY_PORT.decide(HostNames.parse(host), port), allowed, rule, reason);
    }

    @ParameterizedTest(name = "{0}: {1}:{2} -> {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            port-less entry, HTTPS            | www.example.com | 443  | true  | www.example.com     | host 'www.example.com:443' is allowed by 'www.example.com' (egress-proxy.policy.allow[2])
            port-less entry, HTTP             | www.example.com | 80   | true  | www.example.com     | host 'www.example.com:80' is allowed by 'www.example.com' (egress-proxy.policy.allow[2])
            C11: port-less entry, SMTP        | www.example.com | 25   | false | -                   | host 'www.example.com:25' is not in the allow-list: port 25 is not allowed ('www.example.com' (egress-proxy.policy.allow[2]) has no port, so it allows only the default ports 80, 443); allow it with --allow-host www.example.com:25 (or add it to egress-proxy.policy.allow)
            explicit port is unaffected       | api.example.com | 443  | true  | api.example.com:443 | host 'api.example.com:443' is allowed by 'api.example.com:443' (egress-proxy.policy.allow[0])
            wildcard without port, odd port   | a.cdn.example.com | 8080 | false | -                 | host 'a.cdn.example.com:8080' is not in the allow-list: port 8080 is not allowed ('*.cdn.example.com' (egress-proxy.policy.allow[4]) has no port, so it allows only the default ports 80, 443); allow it with --allow-host a.cdn.example.com:8080 (or add it to egress-proxy.policy.allow)
            """)
    void appliesDefaultPortsToPortLessEntries(String name, String host, int port, boolean allowed, String rule,
            String reason) throws Exception {
        assertDecision(BASE_WEB_PORTS.decide(HostNames.parse(host), port), allowed, rule, reason);
    }

    @Test
    void explicitAnyPortIgnoresDefaultPorts() throws Exception {
        Policy policy = Policy.builder().allow(List.of("git.example.com:*")).defaultPorts(Set.of(80, 443)).build();

        assertDecision(policy.decide(HostNames.parse("git.example.com"), 22), true, "git.example.com:*",
                "host 'git.example.com:22' is allowed by 'git.example.com:*' (egress-proxy.policy.allow[0])");
    }

    static final Policy BLOCKING = Policy.builder()
            .allow(List.of(".example.com:*", "10.0.0.0/8", "localhost"))
            .block(List.of("evil.example.com", "10.0.0.66", "*.internal.example.com:*", "localhost:22"))
            .defaultPorts(Set.of(80, 443))
            .build();

    @ParameterizedTest(name = "{0}: {1}:{2} -> {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            block wins over a broader allow     | evil.example.com        | 443  | false | evil.example.com         | host 'evil.example.com:443' is blocked by 'evil.example.com' (egress-proxy.policy.block[0]); block entries win over allow entries
            port-less block blocks every port   | evil.example.com        | 8443 | false | evil.example.com         | host 'evil.example.com:8443' is blocked by 'evil.example.com' (egress-proxy.policy.block[0]); block entries win over allow entries
            sibling is still allowed            | good.example.com        | 443  | true  | .example.com:*           | host 'good.example.com:443' is allowed by '.example.com:*' (egress-proxy.policy.allow[0])
            wildcard block                      | a.internal.example.com  | 8080 | false | *.internal.example.com:* | host 'a.internal.example.com:8080' is blocked by '*.internal.example.com:*' (egress-proxy.policy.block[2]); block entries win over allow entries
            address block inside allowed CIDR   | 10.0.0.66               | 80   | false | 10.0.0.66                | host '10.0.0.66:80' is blocked by '10.0.0.66' (egress-proxy.policy.block[1]); block entries win over allow entries
            mapped spelling does not dodge      | [::ffff:10.0.0.66]      | 80   | false | 10.0.0.66                | host '[::ffff:10.0.0.66]:80' is blocked by '10.0.0.66' (egress-proxy.policy.block[1]); block entries win over allow entries
            NAT64 spelling does not dodge       | 64:ff9b::a00:42         | 80   | false | 10.0.0.66                | host '[64:ff9b::a00:42]:80' is blocked by '10.0.0.66' (egress-proxy.policy.block[1]); block entries win over allow entries
            octal spelling does not dodge       | 012.0.0.0102            | 80   | false | 10.0.0.66                | host '10.0.0.66:80' is blocked by '10.0.0.66' (egress-proxy.policy.block[1]); block entries win over allow entries
            neighbour in allowed CIDR           | 10.0.0.67               | 80   | true  | 10.0.0.0/8               | host '10.0.0.67:80' is allowed by '10.0.0.0/8' (egress-proxy.policy.allow[1])
            localhost block on its port         | 127.0.0.1               | 22   | false | localhost:22             | host '127.0.0.1:22' is blocked by 'localhost:22' (egress-proxy.policy.block[3]); block entries win over allow entries
            localhost allowed on another port   | localhost               | 80   | true  | localhost                | host 'localhost:80' is allowed by 'localhost' (egress-proxy.policy.allow[2])
            """)
    void blockEntriesWinOverAllowEntries(String name, String host, int port, boolean allowed, String rule,
            String reason) throws Exception {
        assertDecision(BLOCKING.decide(HostNames.parse(host), port), allowed, rule, reason);
    }

    static final Policy LITERALS = Policy.builder()
            .allow(List.of("10.0.0.0/8:8080", "192.168.1.5", "[fd00::/8]:443", ".example.com"))
            .build();

    @ParameterizedTest(name = "{0}: {1}:{2} -> {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            address in CIDR on its port        | 10.1.2.3              | 8080 | true  | 10.0.0.0/8:8080 | host '10.1.2.3:8080' is allowed by '10.0.0.0/8:8080' (egress-proxy.policy.allow[0])
            legacy spelling of that address    | 012.1.2.3             | 8080 | true  | 10.0.0.0/8:8080 | host '10.1.2.3:8080' is allowed by '10.0.0.0/8:8080' (egress-proxy.policy.allow[0])
            address in CIDR on another port    | 10.1.2.3              | 80   | false | -               | host '10.1.2.3:80' is not in the allow-list: port 80 is not allowed ('10.0.0.0/8:8080' (egress-proxy.policy.allow[0]) allows only port 8080); allow it with --allow-host 10.1.2.3:80 (or add it to egress-proxy.policy.allow)
            single address, any port           | 192.168.1.5           | 22   | true  | 192.168.1.5     | host '192.168.1.5:22' is allowed by '192.168.1.5' (egress-proxy.policy.allow[1])
            neighbour of a single address      | 192.168.1.6           | 22   | false | -               | host '192.168.1.6:22' is not in the allow-list; allow it with --allow-host 192.168.1.6:22 (or add it to egress-proxy.policy.allow)
            IPv6 CIDR with port                | fd12::1               | 443  | true  | [fd00::/8]:443  | host '[fd12::1]:443' is allowed by '[fd00::/8]:443' (egress-proxy.policy.allow[2])
            name entries never match addresses | 93.184.216.34         | 443  | false | -               | host '93.184.216.34:443' is not in the allow-list; allow it with --allow-host 93.184.216.34:443 (or add it to egress-proxy.policy.allow)
            CIDR entries never match names     | 10.0.0.5.nip.io       | 8080 | false | -               | host '10.0.0.5.nip.io:8080' is not in the allow-list; allow it with --allow-host 10.0.0.5.nip.io:8080 (or add it to egress-proxy.policy.allow)
            """)
    void matchesAddressEntriesAgainstLiteralsOnly(String name, String host, int port, boolean allowed, String rule,
            String reason) throws Exception {
        assertDecision(LITERALS.decide(HostNames.parse(host), port), allowed, rule, reason);
    }

    static final Policy LOCALHOST = Policy.builder().allow(List.of("localhost:12434")).build();

    @ParameterizedTest(name = "{0}: {1}:{2} -> {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            the name                       | localhost            | 12434 | true  | localhost:12434 | host 'localhost:12434' is allowed by 'localhost:12434' (egress-proxy.policy.allow[0])
            docker's name for the host     | host.docker.internal | 12434 | true  | localhost:12434 | host 'host.docker.internal:12434' is allowed by 'localhost:12434' (egress-proxy.policy.allow[0])
            IPv4 loopback                  | 127.0.0.1            | 12434 | true  | localhost:12434 | host '127.0.0.1:12434' is allowed by 'localhost:12434' (egress-proxy.policy.allow[0])
            IPv6 loopback                  | ::1                  | 12434 | true  | localhost:12434 | host '[::1]:12434' is allowed by 'localhost:12434' (egress-proxy.policy.allow[0])
            mapped loopback                | [::ffff:127.0.0.1]   | 12434 | true  | localhost:12434 | host '[::ffff:127.0.0.1]:12434' is allowed by 'localhost:12434' (egress-proxy.policy.allow[0])
            the name, other port           | localhost            | 8080  | false | -               | host 'localhost:8080' is not in the allow-list: port 8080 is not allowed ('localhost:12434' (egress-proxy.policy.allow[0]) allows only port 12434); allow it with --allow-host localhost:8080 (or add it to egress-proxy.policy.allow)
            loopback, other port           | 127.0.0.1            | 8080  | false | -               | host '127.0.0.1:8080' is not in the allow-list: port 8080 is not allowed ('localhost:12434' (egress-proxy.policy.allow[0]) allows only port 12434); allow it with --allow-host 127.0.0.1:8080 (or add it to egress-proxy.policy.allow)
            docker name, other port        | host.docker.internal | 22    | false | -               | host 'host.docker.internal:22' is not in the allow-list: port 22 is not allowed ('localhost:12434' (egress-proxy.policy.allow[0]) allows only port 12434); allow it with --allow-host host.docker.internal:22 (or add it to egress-proxy.policy.allow)
            0.0.0.0 is not localhost       | 0.0.0.0              | 12434 | false | -               | host '0.0.0.0:12434' is not in the allow-list; allow it with --allow-host 0.0.0.0:12434 (or add it to egress-proxy.policy.allow)
            RFC 1918 is not localhost      | 10.0.0.1             | 12434 | false | -               | host '10.0.0.1:12434' is not in the allow-list; allow it with --allow-host 10.0.0.1:12434 (or add it to egress-proxy.policy.allow)
            a sub-domain is not localhost  | evil.localhost       | 12434 | false | -               | host 'evil.localhost:12434' is not in the allow-list; allow it with --allow-host evil.localhost:12434 (or add it to egress-proxy.policy.allow)
            """)
    void localhostEntryMeansThisMachinesLoopbackOnItsPort(String name, String host, int port, boolean allowed,
            String rule, String reason) throws Exception {
        assertDecision(LOCALHOST.decide(HostNames.parse(host), port), allowed, rule, reason);
    }

    static final Policy BYPASS = Policy.builder()
            .allow(List.of("api.example.com:443"))
            .bypass(List.of("*.update.example.org:443"))
            .block(List.of("bad.update.example.org"))
            .build();

    @ParameterizedTest(name = "{0}: {1}:{2} bypassed={3}")
    @CsvSource(delimiter = '|', textBlock = """
            bypass entry                 | a.update.example.org   | 443 | true
            bypass entry, other port     | a.update.example.org   | 80  | false
            allow entry is intercepted   | api.example.com        | 443 | false
            blocked is never bypassed    | bad.update.example.org | 443 | false
            unknown host                 | evil.example.net       | 443 | false
            """)
    void bypassesOnlyWhatABypassEntryAllows(String name, String host, int port, boolean bypassed) throws Exception {
        assertThat(BYPASS.isBypassed(HostNames.parse(host), port)).isEqualTo(bypassed);
    }

    @Test
    void bypassEntriesAllowAndSaySo() throws Exception {
        assertDecision(BYPASS.decide(HostNames.parse("a.update.example.org"), 443), true, "*.update.example.org:443",
                "host 'a.update.example.org:443' is allowed by '*.update.example.org:443' "
                        + "(egress-proxy.policy.bypass[0]), without interception");
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            the name                   | localhost            | true
            shouted with a dot         | LOCALHOST.           | true
            docker's name for the host | host.docker.internal | true
            IPv4 loopback              | 127.0.0.1            | true
            decimal loopback           | 2130706433           | true
            IPv6 loopback              | ::1                  | true
            mapped loopback            | [::ffff:127.0.0.1]   | true
            unspecified                | 0.0.0.0              | false
            a sub-domain               | a.localhost          | false
            6to4 loopback leaves host  | 2002:7f00:1::        | false
            public name                | example.com          | false
            """)
    void recognisesHostsThatMeanThisMachine(String name, String host, boolean localhost) throws Exception {
        assertThat(Policy.denyAll().isLocalhost(HostNames.parse(host))).isEqualTo(localhost);
    }

    static Stream<Arguments> badLists() {
        return Stream.of(
                arguments("too broad, named list", Policy.builder()
                                .allow("egress-proxy.sandboxes.openclaw.allow", List.of("ok.example.com", "*.com")),
                        "egress-proxy.sandboxes.openclaw.allow[1]: pattern '*.com' is too broad: it matches every host "
                                + "under the public suffix 'com', where anyone can register names; name a domain such "
                                + "as '*.example.com'"),
                arguments("host bits, default block list", Policy.builder().block(List.of("10.1.2.3/8")),
                        "egress-proxy.policy.block[0]: pattern '10.1.2.3/8' has address bits set beyond the /8 prefix; "
                                + "write the network '10.0.0.0/8', or '10.1.2.3' for the single address"),
                arguments("bad port, default bypass list", Policy.builder().bypass(List.of("x.example.com:99999")),
                        "egress-proxy.policy.bypass[0]: pattern 'x.example.com:99999' has port 99999, outside "
                                + "1..65535; write a port such as ':443', or ':*' for any port"),
                arguments("null entry", Policy.builder().allow(Arrays.asList("a.example.com", null)),
                        "egress-proxy.policy.allow[1]: pattern is missing; write a host such as 'api.example.com'"),
                arguments("index counts within each list", Policy.builder()
                                .allow(List.of("a.example.com", "b.example.com"))
                                .allow("egress-proxy.sandboxes.s1.allow", List.of("*")),
                        "egress-proxy.sandboxes.s1.allow[0]: pattern '*' is too broad: it matches every host"),
                arguments("default port out of range", Policy.builder().defaultPorts(Set.of(443, 0)),
                        "default ports: 0 is outside 1..65535; use ports such as 80 and 443, or none for any port"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badLists")
    void namesTheListAndIndexOfABadEntry(String name, Policy.Builder builder, String message) {
        assertThatThrownBy(builder::build).isInstanceOf(InvalidPatternException.class).hasMessageStartingWith(message);
    }

    @Test
    void suggestsTheLastAllowListNamed() throws Exception {
        Policy policy = Policy.builder()
                .allow(List.of("a.example.com"))
                .allow("egress-proxy.sandboxes.s1.allow", List.of("b.example.com"))
                .build();

        assertDecision(policy.decide(HostNames.parse("b.example.com"), 443), true, "b.example.com",
                "host 'b.example.com:443' is allowed by 'b.example.com' (egress-proxy.sandboxes.s1.allow[0])");
        assertDecision(policy.decide(HostNames.parse("c.example.com"), 443), false, null,
                "host 'c.example.com:443' is not in the allow-list; allow it with --allow-host c.example.com:443 "
                        + "(or add it to egress-proxy.sandboxes.s1.allow)");
    }

    @Test
    void denyAllDeniesEverythingWithTheDefaultReason() throws Exception {
        Policy policy = Policy.denyAll();

        assertDecision(policy.decide(HostNames.parse("api.example.com"), 443), false, null,
                "host 'api.example.com:443' is not in the allow-list; allow it with --allow-host api.example.com:443 "
                        + "(or add it to egress-proxy.policy.allow)");
        assertDecision(policy.decide(HostNames.parse("localhost"), 80), false, null,
                "host 'localhost:80' is not in the allow-list; allow it with --allow-host localhost:80 "
                        + "(or add it to egress-proxy.policy.allow)");
        assertThat(policy.warnings()).isEmpty();
    }

    @Test
    void decisionsStayOnePrintableLine() {
        Decision decision = Decision.deny("evil\r\nX-Injected: 1", "reason\r\nX-Injected: 1\u0000");

        assertThat(decision.reason()).isEqualTo("reason\\x0d\\x0aX-Injected: 1\\x00");
        assertThat(decision.rule()).isEqualTo("evil\\x0d\\x0aX-Injected: 1");
        assertThat(Decision.allow(null, "ok")).isEqualTo(new Decision(true, "ok", null));
    }

    static void assertDecision(Decision decision, boolean allowed, String rule, String reason) {
        assertThat(decision.reason()).isEqualTo(reason);
        assertThat(decision.allowed()).as("allowed").isEqualTo(allowed);
        assertThat(decision.rule()).as("rule").isEqualTo(rule);
    }
}
