package io.egressproxy.core.policy;

import static io.egressproxy.core.policy.PolicyTest.BASE;
import static io.egressproxy.core.policy.PolicyTest.assertDecision;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The address-level check ({@link Policy#checkAddress}): block address entries and the
 * private-address guard, for names as resolved and for literals. Detecting a connection back to
 * the proxy's own listener (C05) needs the listener's address and is the connector's job; here
 * C05 only shows that an explicit private allow is honoured and stays as narrow as written.
 */
@Timeout(10)
class PolicyAddressGuardTest {

    /** C01: CFG-BASE plus int1..int8.example.com:9999, so the port rule cannot be what refuses. */
    static final Policy C01 = Policy.builder().allow(with(BASE, "int1.example.com:9999", "int2.example.com:9999",
            "int3.example.com:9999", "int4.example.com:9999", "int5.example.com:9999", "int6.example.com:9999",
            "int7.example.com:9999", "int8.example.com:9999")).build();

    @ParameterizedTest(name = "{0}: {1} -> {2} -> {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            loopback                 | int1.example.com | 127.0.0.1          | false | 'int1.example.com' resolved to 127.0.0.1, which is a loopback address; the private-address guard refuses non-public addresses unless the address itself is allowed, e.g. --allow-host 127.0.0.1:9999, --allow-host localhost:9999 or a CIDR entry
            RFC 1918 10/8            | int2.example.com | 10.0.0.5           | false | 'int2.example.com' resolved to 10.0.0.5, which is a private (RFC 1918 / IPv6 ULA) address; the private-address guard refuses non-public addresses unless the address itself is allowed, e.g. --allow-host 10.0.0.5:9999 or a CIDR entry
            RFC 1918 172.16/12       | int3.example.com | 172.16.0.5         | false | 'int3.example.com' resolved to 172.16.0.5, which is a private (RFC 1918 / IPv6 ULA) address; the private-address guard refuses non-public addresses unless the address itself is allowed, e.g. --allow-host 172.16.0.5:9999 or a CIDR entry
            RFC 1918 192.168/16      | int4.example.com | 192.168.1.5        | false | 'int4.example.com' resolved to 192.168.1.5, which is a private (RFC 1918 / IPv6 ULA) address; the private-address guard refuses non-public addresses unless the address itself is allowed, e.g. --allow-host 192.168.1.5:9999 or a CIDR entry
            cloud metadata           | int5.example.com | 169.254.169.254    | false | 'int5.example.com' resolved to 169.254.169.254, which is a link-local / cloud metadata address; the private-address guard refuses non-public addresses unless the address itself is allowed, e.g. --allow-host 169.254.169.254:9999 or a CIDR entry
            IPv6 loopback (AAAA)     | int6.example.com | ::1                | false | 'int6.example.com' resolved to ::1, which is a loopback address; the private-address guard refuses non-public addresses unless the address itself is allowed, e.g. --allow-host [::1]:9999, --allow-host localhost:9999 or a CIDR entry
            0.0.0.0 reaches loopback | int7.example.com | 0.0.0.0            | false | 'int7.example.com' resolved to 0.0.0.0, which is an unspecified (0.0.0.0 / ::) address; the private-address guard refuses non-public addresses unless the address itself is allowed, e.g. --allow-host 0.0.0.0:9999 or a CIDR entry
            two records: public one  | int8.example.com | 93.184.216.34      | true  | 'int8.example.com' resolved to 93.184.216.34, which is a public address
            two records: loopback    | int8.example.com | 127.0.0.1          | false | 'int8.example.com' resolved to 127.0.0.1, which is a loopback address; the private-address guard refuses non-public addresses unless the address itself is allowed, e.g. --allow-host 127.0.0.1:9999, --allow-host localhost:9999 or a CIDR entry
            mapped RFC 1918 (AAAA)   | int2.example.com | ::ffff:10.0.0.5    | false | 'int2.example.com' resolved to ::ffff:10.0.0.5, which is a private (RFC 1918 / IPv6 ULA) address; the private-address guard refuses non-public addresses unless the address itself is allowed, e.g. --allow-host [::ffff:10.0.0.5]:9999 or a CIDR entry
            NAT64 metadata (AAAA)    | int5.example.com | 64:ff9b::a9fe:a9fe | false | 'int5.example.com' resolved to 64:ff9b::a9fe:a9fe, which is a link-local / cloud metadata address; the private-address guard refuses non-public addresses unless the address itself is allowed, e.g. --allow-host [64:ff9b::a9fe:a9fe]:9999 or a CIDR entry
            AWS IPv6 metadata        | int5.example.com | fd00:ec2::254      | false | 'int5.example.com' resolved to fd00:ec2::254, which is a link-local / cloud metadata address; the private-address guard refuses non-public addresses unless the address itself is allowed, e.g. --allow-host [fd00:ec2::254]:9999 or a CIDR entry
            """)
    void anAllowedNameNeverOpensAPrivateAddress(String name, String host, String resolved, boolean allowed,
            String reason) throws Exception {
        Host parsed = HostNames.parse(host);
        assertThat(C01.decide(parsed, 9999).allowed()).as("the name itself is allowed").isTrue();

        assertDecision(C01.checkAddress(parsed, 9999, address(resolved)), allowed, null, reason);
    }

    static final Policy EXPLICIT = Policy.builder().allow(List.of("int2.example.com:9999", "10.0.0.5:9999",
            "int9.example.com:8080", "10.0.0.0/8:8080", "localhost:12434", "db.example.com", "172.16.0.0/12")).build();

    @ParameterizedTest(name = "{0}: {1}:{2} -> {3} -> {4}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            address allowed on its port      | int2.example.com     | 9999  | 10.0.0.5        | true  | 10.0.0.5:9999   | 'int2.example.com' resolved to 10.0.0.5, which is allowed by '10.0.0.5:9999' (egress-proxy.policy.allow[1])
            mapped form of that address      | int2.example.com     | 9999  | ::ffff:10.0.0.5 | true  | 10.0.0.5:9999   | 'int2.example.com' resolved to ::ffff:10.0.0.5, which is allowed by '10.0.0.5:9999' (egress-proxy.policy.allow[1])
            neighbouring address             | int2.example.com     | 9999  | 10.0.0.6        | false | -               | 'int2.example.com' resolved to 10.0.0.6, which is a private (RFC 1918 / IPv6 ULA) address; the private-address guard refuses non-public addresses unless the address itself is allowed, e.g. --allow-host 10.0.0.6:9999 or a CIDR entry
            address in CIDR on its port      | int9.example.com     | 8080  | 10.9.9.9        | true  | 10.0.0.0/8:8080 | 'int9.example.com' resolved to 10.9.9.9, which is allowed by '10.0.0.0/8:8080' (egress-proxy.policy.allow[3])
            address in CIDR, other port      | int9.example.com     | 8081  | 10.9.9.9        | false | -               | 'int9.example.com' resolved to 10.9.9.9, which is a private (RFC 1918 / IPv6 ULA) address; the private-address guard refuses non-public addresses unless the address itself is allowed, e.g. --allow-host 10.9.9.9:8081 or a CIDR entry
            port-less CIDR, any port         | db.example.com       | 5432  | 172.20.0.1      | true  | 172.16.0.0/12   | 'db.example.com' resolved to 172.20.0.1, which is allowed by '172.16.0.0/12' (egress-proxy.policy.allow[6])
            localhost resolves to loopback   | localhost            | 12434 | 127.0.0.1       | true  | localhost:12434 | 'localhost' resolved to 127.0.0.1, which is allowed by 'localhost:12434' (egress-proxy.policy.allow[4])
            localhost resolves to ::1        | localhost            | 12434 | ::1             | true  | localhost:12434 | 'localhost' resolved to ::1, which is allowed by 'localhost:12434' (egress-proxy.policy.allow[4])
            loopback literal                 | 127.0.0.1            | 12434 | 127.0.0.1       | true  | localhost:12434 | address 127.0.0.1 is allowed by 'localhost:12434' (egress-proxy.policy.allow[4])
            docker gateway needs its CIDR    | host.docker.internal | 12434 | 172.17.0.1      | true  | 172.16.0.0/12   | 'host.docker.internal' resolved to 172.17.0.1, which is allowed by '172.16.0.0/12' (egress-proxy.policy.allow[6])
            localhost never opens metadata   | localhost            | 12434 | 169.254.169.254 | false | -               | 'localhost' resolved to 169.254.169.254, which is a link-local / cloud metadata address; the private-address guard refuses non-public addresses unless the address itself is allowed, e.g. --allow-host 169.254.169.254:12434 or a CIDR entry
            localhost, other port            | localhost            | 8080  | 127.0.0.1       | false | -               | 'localhost' resolved to 127.0.0.1, which is a loopback address; the private-address guard refuses non-public addresses unless the address itself is allowed, e.g. --allow-host 127.0.0.1:8080, --allow-host localhost:8080 or a CIDR entry
            """)
    void anAddressAllowedItselfPassesTheGuard(String name, String host, int port, String resolved, boolean allowed,
            String rule, String reason) throws Exception {
        assertDecision(EXPLICIT.checkAddress(HostNames.parse(host), port, address(resolved)), allowed, rule, reason);
    }

    /** C03: CFG-BASE plus an explicit allow of 127.0.0.1:8080 (allow[5]). */
    static final Policy C03 = Policy.builder().allow(with(BASE, "127.0.0.1:8080")).build();

    @ParameterizedTest(name = "{0}: {1}:{2} -> {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            control                        | 127.0.0.1               | 8080 | true  | address 127.0.0.1 is allowed by '127.0.0.1:8080' (egress-proxy.policy.allow[5])
            canary port                    | 127.0.0.1               | 9999 | false | host '127.0.0.1:9999' is not in the allow-list: port 9999 is not allowed ('127.0.0.1:8080' (egress-proxy.policy.allow[5]) allows only port 8080); allow it with --allow-host 127.0.0.1:9999 (or add it to egress-proxy.policy.allow)
            decimal                        | 2130706433              | 9999 | false | host '127.0.0.1:9999' is not in the allow-list: port 9999 is not allowed ('127.0.0.1:8080' (egress-proxy.policy.allow[5]) allows only port 8080); allow it with --allow-host 127.0.0.1:9999 (or add it to egress-proxy.policy.allow)
            hex                            | 0x7f000001              | 9999 | false | host '127.0.0.1:9999' is not in the allow-list: port 9999 is not allowed ('127.0.0.1:8080' (egress-proxy.policy.allow[5]) allows only port 8080); allow it with --allow-host 127.0.0.1:9999 (or add it to egress-proxy.policy.allow)
            hex first part                 | 0x7f.0.0.1              | 9999 | false | host '127.0.0.1:9999' is not in the allow-list: port 9999 is not allowed ('127.0.0.1:8080' (egress-proxy.policy.allow[5]) allows only port 8080); allow it with --allow-host 127.0.0.1:9999 (or add it to egress-proxy.policy.allow)
            octal                          | 0177.0.0.1              | 9999 | false | host '127.0.0.1:9999' is not in the allow-list: port 9999 is not allowed ('127.0.0.1:8080' (egress-proxy.policy.allow[5]) allows only port 8080); allow it with --allow-host 127.0.0.1:9999 (or add it to egress-proxy.policy.allow)
            short form                     | 127.1                   | 9999 | false | host '127.0.0.1:9999' is not in the allow-list: port 9999 is not allowed ('127.0.0.1:8080' (egress-proxy.policy.allow[5]) allows only port 8080); allow it with --allow-host 127.0.0.1:9999 (or add it to egress-proxy.policy.allow)
            other loopback address         | 127.0.0.2               | 9999 | false | host '127.0.0.2:9999' is not in the allow-list; allow it with --allow-host 127.0.0.2:9999 (or add it to egress-proxy.policy.allow)
            mapped                         | [::ffff:127.0.0.1]      | 9999 | false | host '[::ffff:127.0.0.1]:9999' is not in the allow-list: port 9999 is not allowed ('127.0.0.1:8080' (egress-proxy.policy.allow[5]) allows only port 8080); allow it with --allow-host [::ffff:127.0.0.1]:9999 (or add it to egress-proxy.policy.allow)
            mapped in full hex             | [0:0:0:0:0:ffff:7f00:1] | 9999 | false | host '[::ffff:127.0.0.1]:9999' is not in the allow-list: port 9999 is not allowed ('127.0.0.1:8080' (egress-proxy.policy.allow[5]) allows only port 8080); allow it with --allow-host [::ffff:127.0.0.1]:9999 (or add it to egress-proxy.policy.allow)
            localhost name                 | localhost               | 9999 | false | host 'localhost:9999' is not in the allow-list; allow it with --allow-host localhost:9999 (or add it to egress-proxy.policy.allow)
            localhost shouted              | LOCALHOST.              | 9999 | false | host 'localhost:9999' is not in the allow-list; allow it with --allow-host localhost:9999 (or add it to egress-proxy.policy.allow)
            0.0.0.0                        | 0.0.0.0                 | 9999 | false | host '0.0.0.0:9999' is not in the allow-list; allow it with --allow-host 0.0.0.0:9999 (or add it to egress-proxy.policy.allow)
            0                              | 0                       | 9999 | false | host '0.0.0.0:9999' is not in the allow-list; allow it with --allow-host 0.0.0.0:9999 (or add it to egress-proxy.policy.allow)
            IPv6 unspecified               | [::]                    | 9999 | false | host '[::]:9999' is not in the allow-list; allow it with --allow-host [::]:9999 (or add it to egress-proxy.policy.allow)
            metadata                       | 169.254.169.254         | 80   | false | host '169.254.169.254:80' is not in the allow-list; allow it with --allow-host 169.254.169.254:80 (or add it to egress-proxy.policy.allow)
            metadata in octal              | 0251.0376.0251.0376     | 80   | false | host '169.254.169.254:80' is not in the allow-list; allow it with --allow-host 169.254.169.254:80 (or add it to egress-proxy.policy.allow)
            AWS IPv6 metadata              | [fd00:ec2::254]         | 80   | false | host '[fd00:ec2::254]:80' is not in the allow-list; allow it with --allow-host [fd00:ec2::254]:80 (or add it to egress-proxy.policy.allow)
            octal 10.0.0.1, named as such  | 012.0.0.1               | 80   | false | host '10.0.0.1:80' is not in the allow-list; allow it with --allow-host 10.0.0.1:80 (or add it to egress-proxy.policy.allow)
            decimal on the allowed port    | 2130706433              | 8080 | true  | address 127.0.0.1 is allowed by '127.0.0.1:8080' (egress-proxy.policy.allow[5])
            hex on the allowed port        | 0x7f000001              | 8080 | true  | address 127.0.0.1 is allowed by '127.0.0.1:8080' (egress-proxy.policy.allow[5])
            octal on the allowed port      | 0177.0.0.1              | 8080 | true  | address 127.0.0.1 is allowed by '127.0.0.1:8080' (egress-proxy.policy.allow[5])
            short form on the allowed port | 127.1                   | 8080 | true  | address 127.0.0.1 is allowed by '127.0.0.1:8080' (egress-proxy.policy.allow[5])
            mapped on the allowed port     | [::ffff:127.0.0.1]      | 8080 | true  | address ::ffff:127.0.0.1 is allowed by '127.0.0.1:8080' (egress-proxy.policy.allow[5])
            other loopback, allowed port   | 127.0.0.2               | 8080 | false | host '127.0.0.2:8080' is not in the allow-list; allow it with --allow-host 127.0.0.2:8080 (or add it to egress-proxy.policy.allow)
            ::1 is another address         | ::1                     | 8080 | false | host '[::1]:8080' is not in the allow-list; allow it with --allow-host [::1]:8080 (or add it to egress-proxy.policy.allow)
            localhost name, allowed port   | localhost               | 8080 | false | host 'localhost:8080' is not in the allow-list; allow it with --allow-host localhost:8080 (or add it to egress-proxy.policy.allow)
            """)
    void explicitLoopbackAllowCoversExactlyThatAddressAndPort(String name, String host, int port, boolean allowed,
            String reason) throws Exception {
        Decision decision = connect(C03, HostNames.parse(host), port);

        assertThat(decision.reason()).isEqualTo(reason);
        assertThat(decision.allowed()).isEqualTo(allowed);
        assertThat(decision.rule()).isEqualTo(allowed ? "127.0.0.1:8080" : null);
    }

    /** C05: an explicit private allow that happens to contain the proxy, and a name pointing at it. */
    static final Policy C05 = Policy.builder().allow(with(BASE, "127.0.0.0/8", "loop.example.com:3128")).build();

    @ParameterizedTest(name = "{0}: {1}:{2} -> {3} -> {4}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            name resolving into allowed /8 | loop.example.com | 3128 | 127.0.0.1       | true  | 127.0.0.0/8 | 'loop.example.com' resolved to 127.0.0.1, which is allowed by '127.0.0.0/8' (egress-proxy.policy.allow[5])
            literal inside allowed /8      | 127.0.0.1        | 3128 | 127.0.0.1       | true  | 127.0.0.0/8 | address 127.0.0.1 is allowed by '127.0.0.0/8' (egress-proxy.policy.allow[5])
            /8 does not open RFC 1918      | loop.example.com | 3128 | 10.0.0.1        | false | -           | 'loop.example.com' resolved to 10.0.0.1, which is a private (RFC 1918 / IPv6 ULA) address; the private-address guard refuses non-public addresses unless the address itself is allowed, e.g. --allow-host 10.0.0.1:3128 or a CIDR entry
            /8 does not open metadata      | loop.example.com | 3128 | 169.254.169.254 | false | -           | 'loop.example.com' resolved to 169.254.169.254, which is a link-local / cloud metadata address; the private-address guard refuses non-public addresses unless the address itself is allowed, e.g. --allow-host 169.254.169.254:3128 or a CIDR entry
            /8 does not open ::1           | loop.example.com | 3128 | ::1             | false | -           | 'loop.example.com' resolved to ::1, which is a loopback address; the private-address guard refuses non-public addresses unless the address itself is allowed, e.g. --allow-host [::1]:3128, --allow-host localhost:3128 or a CIDR entry
            """)
    void explicitPrivateAllowIsHonouredAndStaysNarrow(String name, String host, int port, String resolved,
            boolean allowed, String rule, String reason) throws Exception {
        assertDecision(C05.checkAddress(HostNames.parse(host), port, address(resolved)), allowed, rule, reason);
    }

    static final Policy BLOCKED_ADDRESSES = Policy.builder()
            .allow(List.of(".example.com"))
            .block(List.of("93.184.216.0/24", "10.0.0.0/8"))
            .build();

    @ParameterizedTest(name = "{0}: {1} -> {2} -> {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            block CIDR on a resolved address | www.example.com | 93.184.216.34  | false | 93.184.216.0/24 | 'www.example.com' resolved to 93.184.216.34, which is blocked by '93.184.216.0/24' (egress-proxy.policy.block[0]); block entries win over allow entries
            block through a NAT64 address    | www.example.com | 64:ff9b::a00:5 | false | 10.0.0.0/8      | 'www.example.com' resolved to 64:ff9b::a00:5, which is blocked by '10.0.0.0/8' (egress-proxy.policy.block[1]); block entries win over allow entries
            public address next to the block | www.example.com | 93.184.217.1   | true  | -               | 'www.example.com' resolved to 93.184.217.1, which is a public address
            """)
    void blockAddressEntriesApplyToResolvedAddresses(String name, String host, String resolved, boolean allowed,
            String rule, String reason) throws Exception {
        assertDecision(BLOCKED_ADDRESSES.checkAddress(HostNames.parse(host), 443, address(resolved)), allowed, rule,
                reason);
    }

    /** What the proxy does for a literal: decide on the host, then check the address it will dial. */
    static Decision connect(Policy policy, Host host, int port) {
        Decision decision = policy.decide(host, port);
        if (!decision.allowed()) {
            return decision;
        }
        assertThat(host.isLiteral()).as("rows that pass decide() are literals; names would need DNS").isTrue();
        return policy.checkAddress(host, port, host.literal());
    }

    static InetAddress address(String text) throws InvalidHostException {
        return HostNames.parse(text).literal();
    }

    static List<String> with(List<String> base, String... more) {
        List<String> out = new ArrayList<>(base);
        out.addAll(List.of(more));
        return out;
    }
}
