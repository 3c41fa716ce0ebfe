package io.egressproxy.cli.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The subnet pool's messages name the setting a person can change and a range that makes sense. */
@Timeout(5)
class SubnetPoolTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            prefix above 32       | 10.0.0.0/33    | --subnet-pool (or EGRESS_PROXY_SANDBOX_SUBNET_POOL) '10.0.0.0/33' is not an IPv4 CIDR (four numbers 0-255, '/', a prefix 0-32); write e.g. 10.213.0.0/16
            no prefix             | 10.0.0.0       | '10.0.0.0' is not an IPv4 CIDR
            prefix not a number   | 10.0.0.0/x     | '10.0.0.0/x' is not an IPv4 CIDR
            octet above 255       | 10.300.0.0/16  | '10.300.0.0/16' is not an IPv4 CIDR
            three octets          | 10.0.0/16      | '10.0.0/16' is not an IPv4 CIDR
            IPv6                  | fd00::/64      | 'fd00::/64' is not an IPv4 CIDR
            smaller than a /24    | 10.0.0.0/25    | --subnet-pool (or EGRESS_PROXY_SANDBOX_SUBNET_POOL) 10.0.0.0/25 is smaller than one /24 sandbox network; use a pool with a prefix from /8 to /24, e.g. 10.213.0.0/16
            wider than a /8       | 0.0.0.0/0      | 0.0.0.0/0 is wider than any private range; use a pool with a prefix from /8 to /24
            """)
    void aPoolThatCannotWorkIsRefusedWithTheSettingAndASensibleRange(String name, String pool, String message) {
        assertThatThrownBy(() -> new SubnetPool(pool, 24)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            loopback                     | 127.0.0.0/24   | --subnet-pool (or EGRESS_PROXY_SANDBOX_SUBNET_POOL) 127.0.0.0/24 overlaps the loopback range 127.0.0.0/8, which cannot carry a sandbox network; use a private range this host does not use, e.g. 10.213.0.0/16
            all of loopback              | 127.0.0.0/8    | 127.0.0.0/8 overlaps the loopback range 127.0.0.0/8
            link-local                   | 169.254.0.0/16 | --subnet-pool (or EGRESS_PROXY_SANDBOX_SUBNET_POOL) 169.254.0.0/16 overlaps the link-local range 169.254.0.0/16, which cannot carry a sandbox network; use a private range this host does not use, e.g. 10.213.0.0/16
            part of link-local           | 169.254.7.0/24 | 169.254.7.0/24 overlaps the link-local range 169.254.0.0/16
            this network                 | 0.0.0.0/8      | 0.0.0.0/8 overlaps the 'this network' range 0.0.0.0/8
            multicast                    | 239.1.0.0/16   | 239.1.0.0/16 overlaps the multicast and reserved range 224.0.0.0/3
            reserved                     | 240.0.0.0/8    | 240.0.0.0/8 overlaps the multicast and reserved range 224.0.0.0/3
            """)
    void aPoolThatNoNetworkMayUseIsRefusedUpFront(String name, String pool, String message) {
        assertThatThrownBy(() -> new SubnetPool(pool, 24)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void privateAndOtherUnicastPoolsAreAccepted() {
        // shared address space (CGNAT) is a deliberate choice some make to stay clear of LAN ranges
        assertThat(new SubnetPool("100.64.0.0/10", 24).next(List.of())).isEqualTo(new Subnet("100.64.0.0/24", "100.64.0.1"));
        assertThat(new SubnetPool("172.16.0.0/12", 24).next(List.of())).isEqualTo(new Subnet("172.16.0.0/24", "172.16.0.1"));
        assertThat(new SubnetPool("192.168.0.0/16", 24).next(List.of())).isEqualTo(new Subnet("192.168.0.0/24", "192.168.0.1"));
        assertThat(new SubnetPool("128.0.0.0/8", 24).next(List.of())).isEqualTo(new Subnet("128.0.0.0/24", "128.0.0.1"));
        assertThat(new SubnetPool("223.255.255.0/24", 24).next(List.of())).isEqualTo(new Subnet("223.255.255.0/24", "223.255.255.1"));
    }

    @Test
    void theSmallestAndLargestPoolsWork() {
        assertThat(new SubnetPool("10.213.7.0/24", 24).next(List.of())).isEqualTo(new Subnet("10.213.7.0/24", "10.213.7.1"));
        assertThat(new SubnetPool("10.0.0.0/8", 24).next(List.of("10.0.0.0/24"))).isEqualTo(new Subnet("10.0.1.0/24", "10.0.1.1"));
    }

    @Test
    void anExhaustedPoolNamesTheOptionAndTheEnvironmentVariable() {
        assertThatThrownBy(() -> new SubnetPool("10.213.7.0/24", 24).next(List.of("172.17.0.0/16", "10.213.0.0/16")))
                .hasMessage("every /24 in the sandbox subnet pool 10.213.7.0/24 is in use by a Docker network or this host's"
                        + " routes and addresses (10.213.0.0/16); remove unused networks (docker network prune) or give a larger"
                        + " pool, or one this host does not use, with --subnet-pool (or EGRESS_PROXY_SANDBOX_SUBNET_POOL),"
                        + " e.g. 10.213.0.0/16")
                .hasMessageNotContaining("egress-proxy.sandbox.subnet-pool");
    }

    @Test
    void anExhaustedPoolNamesTheFirstFewSubnetsInTheWay() {
        List<String> used = new java.util.ArrayList<>(List.of("192.0.2.2/32", "10.0.0.0/8"));
        for (int i = 0; i < 4; i++) {
            used.add("192.0.2." + (i * 64) + "/26");
        }
        assertThatThrownBy(() -> new SubnetPool("192.0.2.0/24", 24).next(used))
                .hasMessageContaining("(192.0.2.0/26, 192.0.2.2/32, 192.0.2.64/26, 192.0.2.128/26, 192.0.2.192/26);");
        used.add("192.0.2.0/24");
        used.add("192.0.2.0/24");
        assertThatThrownBy(() -> new SubnetPool("192.0.2.0/24", 24).next(used))
                .hasMessageContaining("(192.0.2.0/24, 192.0.2.0/26, 192.0.2.2/32, 192.0.2.64/26, 192.0.2.128/26 and 1 more);");
    }

    @Test
    void junkThatDockerReportsAsASubnetIsIgnored() {
        assertThat(new SubnetPool("10.213.0.0/16", 24).next(List.of("", "fd00::/64", "10.213.0.0/abc", "<no value>")))
                .isEqualTo(new Subnet("10.213.0.0/24", "10.213.0.1"));
    }
}
