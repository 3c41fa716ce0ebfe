package io.egressproxy.core.cases;

import org.junit.jupiter.api.extension.RegisterExtension;
import io.egressproxy.core.testing.TestProxies;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.egressproxy.core.cases.CaseBed.assertProxyError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * C06: suffix and wildcard boundary bypass. {@code *.cdn.example.com} matches sub-domains at any
 * depth (the README's documented depth) but not the apex, and exact names match only themselves.
 * Harness DNS points every refused name at C1, the two wildcard names at U3.
 */
@Timeout(30)
class WildcardBoundaryTest {
    private static CaseBed bed;

    @RegisterExtension
    static final CaseBedExtension BED = new CaseBedExtension(started -> bed = started);

    @ParameterizedTest(name = "{0} is refused without contacting C1")
    @ValueSource(strings = {
            "evilcdn.example.com",
            "cdn.example.com",
            "cdn.example.com.evil.example.net",
            "a.cdn.example.com.evil.example.net",
            "xwww.example.net",
            "www.example.net.evil.example.net"})
    void namesOutsideTheWildcardOrExactEntryAreDenied(String host) throws Exception {
        CaseBed.Outcome outcome = bed.exchange(bed.get(host, "/"));

        assertProxyError(outcome, 403, "denied", "host '" + bed.authority(host) + "' is not in the allow-list");
        assertThat(outcome.closed()).as("a body-less denial keeps the connection (README)").isFalse();
        bed.assertNothingForwarded();
        CaseBed.accessLine("GET " + bed.url(host, "/"), "decision=deny", "status=403");
    }

    @ParameterizedTest(name = "{0} matches *.cdn.example.com and reaches U3")
    @ValueSource(strings = {"a.cdn.example.com", "a.b.cdn.example.com"})
    void subDomainsAtAnyDepthAreAllowed(String host) throws Exception {
        CaseBed.Outcome outcome = bed.exchange(bed.get(host, "/echo"));

        assertThat(outcome.status()).as("%s", outcome.reply()).isEqualTo(200);
        assertThat(outcome.reply().header("X-Upstream")).isEqualTo("U3");
        assertThat(bed.u3.completeRequests()).singleElement().satisfies(r -> {
            assertThat(r.uri()).isEqualTo("/echo");
            assertThat(r.header("Host")).containsExactly(bed.authority(host));
        });
        bed.assertCanariesUntouched();
        CaseBed.accessLine("GET " + bed.url(host, "/echo"), "decision=allow", "rule=*.cdn.example.com", "status=200");
    }

    @ParameterizedTest(name = "allow entry {0} is refused at start")
    @ValueSource(strings = {"*", "*.com", "*.*.example.com", "foo.*.example.com"})
    void overBroadOrMalformedWildcardsAreRefusedWhenTheConfigIsRead(String pattern) {
        assertThatThrownBy(() -> TestProxies.builder().allow("www.example.com", pattern).start().close())
                .hasMessageContaining("egress-proxy.policy.allow[1]")
                .hasMessageContaining("'" + pattern + "'")
                .hasMessageMatching("(?s).*(too broad|is refused).*");
    }
}
