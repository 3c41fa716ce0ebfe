package io.egressproxy.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(10)
class PolicyWarningsTest {

    static Stream<Arguments> policies() {
        return Stream.of(
                arguments("CFG-BASE is clean", List.of("api.example.com:443", "api.example.net:443", "www.example.com",
                        "www.example.net", "*.cdn.example.com"), List.of(), List.of(), Set.of(), List.of()),
                arguments("repeat, spelled differently", List.of("api.example.com", "API.example.com."), List.of(),
                        List.of(), Set.of(), List.of("egress-proxy.policy.allow[1] 'api.example.com' repeats "
                                + "egress-proxy.policy.allow[0]; remove one of them")),
                arguments("name under a dot-suffix", List.of(".example.com", "api.example.com"), List.of(), List.of(),
                        Set.of(), List.of("egress-proxy.policy.allow[1] 'api.example.com' is already covered by "
                                + "'.example.com' (egress-proxy.policy.allow[0]); remove it, or narrow the broader "
                                + "entry")),
                arguments("deep name under a wildcard", List.of("a.b.example.com:443", "*.example.com"), List.of(),
                        List.of(), Set.of(), List.of("egress-proxy.policy.allow[0] 'a.b.example.com:443' is already "
                                + "covered by '*.example.com' (egress-proxy.policy.allow[1]); remove it, or narrow the "
                                + "broader entry")),
                arguments("wildcard under a dot-suffix", List.of(".example.com", "*.example.com"), List.of(), List.of(),
                        Set.of(), List.of("egress-proxy.policy.allow[1] '*.example.com' is already covered by "
                                + "'.example.com' (egress-proxy.policy.allow[0]); remove it, or narrow the broader "
                                + "entry")),
                arguments("apex is not under its wildcard", List.of("*.example.com", "example.com"), List.of(),
                        List.of(), Set.of(), List.of()),
                arguments("different ports are different entries", List.of("api.example.com:443",
                        "api.example.com:8443"), List.of(), List.of(), Set.of(), List.of()),
                arguments("a port-scoped suffix does not cover any port", List.of(".example.com:443", "api.example.com"),
                        List.of(), List.of(), Set.of(), List.of()),
                arguments("default ports cover a port they contain", List.of("www.example.com", "www.example.com:443"),
                        List.of(), List.of(), Set.of(80, 443), List.of("egress-proxy.policy.allow[1] "
                                + "'www.example.com:443' is already covered by 'www.example.com' "
                                + "(egress-proxy.policy.allow[0]); remove it, or narrow the broader entry")),
                arguments("default ports do not cover other ports", List.of("www.example.com", "www.example.com:25"),
                        List.of(), List.of(), Set.of(80, 443), List.of()),
                arguments("CIDRs inside CIDRs", List.of("10.0.0.0/8", "10.1.0.0/16", "10.1.2.3:80"), List.of(),
                        List.of(), Set.of(), List.of(
                                "egress-proxy.policy.allow[1] '10.1.0.0/16' is already covered by '10.0.0.0/8' "
                                        + "(egress-proxy.policy.allow[0]); remove it, or narrow the broader entry",
                                "egress-proxy.policy.allow[2] '10.1.2.3:80' is already covered by '10.1.0.0/16' "
                                        + "(egress-proxy.policy.allow[1]); remove it, or narrow the broader entry")),
                arguments("loopback address under localhost", List.of("localhost", "127.0.0.1:8080"), List.of(),
                        List.of(), Set.of(), List.of("egress-proxy.policy.allow[1] '127.0.0.1:8080' is already covered "
                                + "by 'localhost' (egress-proxy.policy.allow[0]); remove it, or narrow the broader "
                                + "entry")),
                arguments("allow entry also blocked", List.of("api.example.com"), List.of(".example.com"), List.of(),
                        Set.of(), List.of("egress-proxy.policy.allow[0] 'api.example.com' is also blocked by "
                                + "'.example.com' (egress-proxy.policy.block[0]); block entries win, so it allows "
                                + "nothing")),
                arguments("port-less block covers every port", List.of("api.example.com:8443"),
                        List.of("api.example.com"), List.of(), Set.of(80, 443), List.of("egress-proxy.policy.allow[0] "
                                + "'api.example.com:8443' is also blocked by 'api.example.com' "
                                + "(egress-proxy.policy.block[0]); block entries win, so it allows nothing")),
                arguments("partly blocked is fine", List.of(".example.com"), List.of("evil.example.com"), List.of(),
                        Set.of(), List.of()),
                arguments("bypass entry also blocked", List.of(), List.of("10.0.0.0/8"), List.of("10.1.1.1:443"),
                        Set.of(), List.of("egress-proxy.policy.bypass[0] '10.1.1.1:443' is also blocked by '10.0.0.0/8' "
                                + "(egress-proxy.policy.block[0]); block entries win, so it allows nothing")),
                arguments("allow entry already bypassed", List.of("api.example.com"), List.of(),
                        List.of("api.example.com"), Set.of(), List.of("egress-proxy.policy.allow[0] 'api.example.com' "
                                + "is already allowed by bypass entry 'api.example.com' (egress-proxy.policy.bypass[0]); "
                                + "remove one of them")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void warnsAboutEntriesThatDoNothing(String name, List<String> allow, List<String> block, List<String> bypass,
            Set<Integer> defaultPorts, List<String> warnings) {
        Policy policy = Policy.builder().allow(allow).block(block).bypass(bypass).defaultPorts(defaultPorts).build();

        assertThat(policy.warnings()).containsExactlyElementsOf(warnings);
    }
}
