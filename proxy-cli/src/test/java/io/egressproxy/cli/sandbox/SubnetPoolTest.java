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

    @Test
    void theSmallestAndLargestPoolsWork() {
        assertThat(new SubnetPool("10.213.7.0/24", 24).next(List.of())).isEqualTo(new Subnet("10.213.7.0/24", "10.213.7.1"));
        assertThat(new SubnetPool("10.0.0.0/8", 24).next(List.of("10.0.0.0/24"))).isEqualTo(new Subnet("10.0.1.0/24", "10.0.1.1"));
    }

    @Test
    void anExhaustedPoolNamesTheOptionAndTheEnvironmentVariable() {
        assertThatThrownBy(() -> new SubnetPool("10.213.7.0/24", 24).next(List.of("10.213.0.0/16")))
                .hasMessage("every /24 in the sandbox subnet pool 10.213.7.0/24 is in use; remove unused networks"
                        + " (docker network prune) or give a larger pool with --subnet-pool (or EGRESS_PROXY_SANDBOX_SUBNET_POOL),"
                        + " e.g. 10.213.0.0/16")
                .hasMessageNotContaining("egress-proxy.sandbox.subnet-pool");
    }

    @Test
    void junkThatDockerReportsAsASubnetIsIgnored() {
        assertThat(new SubnetPool("10.213.0.0/16", 24).next(List.of("", "fd00::/64", "10.213.0.0/abc", "<no value>")))
                .isEqualTo(new Subnet("10.213.0.0/24", "10.213.0.1"));
    }
}
