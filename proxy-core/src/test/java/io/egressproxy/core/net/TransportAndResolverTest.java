package io.egressproxy.core.net;

import io.egressproxy.core.EgressProxy;
import io.egressproxy.core.testing.Curl;
import io.egressproxy.core.testing.OriginServer;
import io.egressproxy.core.testing.TestProxies;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Both transports forward and tunnel; static name pins resolve without DNS and still meet the guard. */
@Timeout(60)
class TransportAndResolverTest {

    @Test
    void nioAndEpollTransportsBothForwardAndTunnel() throws Exception {
        try (OriginServer origin = new OriginServer()) {
            for (boolean nativeTransport : new boolean[] {false, true}) {
                try (EgressProxy proxy = TestProxies.builder().allow(origin.authority())
                        .set("egress-proxy.transport.native", nativeTransport).start()) {
                    if (nativeTransport) {
                        assumeTrue(Epoll.isAvailable(), "epoll is not available here");
                        assertThat(proxy.transportName()).isEqualTo("epoll");
                    } else {
                        assertThat(proxy.transportName()).isEqualTo("nio");
                    }
                    assertThat(Curl.run("-x", TestProxies.url(proxy), "http://" + origin.authority() + "/a").out())
                            .isEqualTo("hello from origin\n");
                    assertThat(Curl.run("-p", "-x", TestProxies.url(proxy), "http://" + origin.authority() + "/b").out())
                            .as("curl -p tunnels plain HTTP through CONNECT").isEqualTo("hello from origin\n");
                }
            }
        }
    }

    @Test
    void pinnedNamesResolveWithoutDnsAndStillMeetTheAddressGuard() throws Exception {
        try (OriginServer origin = new OriginServer()) {
            int queries = TestProxies.dns().queryCount();
            try (EgressProxy pinnedAndAllowed = TestProxies.builder().dnsHost("pinned.test", "127.0.0.1")
                    .allow("pinned.test", "127.0.0.1:" + origin.port()).start()) {
                assertThat(Curl.run("-x", TestProxies.url(pinnedAndAllowed), "http://pinned.test:" + origin.port() + "/").out())
                        .isEqualTo("hello from origin\n");
            }
            try (EgressProxy pinnedOnly = TestProxies.builder().dnsHost("pinned.test", "127.0.0.1").allow("pinned.test").start()) {
                Curl.Result refused = Curl.run("-x", TestProxies.url(pinnedOnly), "-w", " %{http_code}",
                        "http://pinned.test:" + origin.port() + "/");
                assertThat(refused.out()).endsWith(" 403").contains("loopback");
            }
            assertThat(TestProxies.dns().queryCount()).as("pinned names are never sent to DNS").isEqualTo(queries);
        }
    }
}
