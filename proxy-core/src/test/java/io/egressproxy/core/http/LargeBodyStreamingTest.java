package io.egressproxy.core.http;

import io.egressproxy.core.testing.ChildProxy;
import io.egressproxy.core.testing.OriginServer;
import io.egressproxy.core.testing.TestProxies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bodies far larger than the proxy's memory stream through it: a proxy JVM capped at 64 MiB of
 * heap (and of direct memory) forwards a 1 GiB download, and a client that stops reading for a
 * while makes the proxy stop reading the upstream instead of buffering.
 */
@Timeout(300)
class LargeBodyStreamingTest {
    private static final long ONE_GIB = 1L << 30;

    @Test
    void oneGigabyteDownloadStreamsThroughAProxyWith64MiBOfHeap() throws Exception {
        try (OriginServer origin = new OriginServer();
             ChildProxy proxy = ChildProxy.start(List.of("-Xmx64m", "-XX:MaxDirectMemorySize=64m",
                     "-Dio.netty.leakDetection.level=disabled"),
                     "egress-proxy { listen = \"127.0.0.1:0\", policy.allow = [\"" + origin.authority() + "\"],"
                             + " dns.servers = [\"" + TestProxies.dns().address() + "\"], tls.intercept = none, admin.listen = \"\" }")) {
            HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(proxy.address())).build();
            HttpResponse<InputStream> response = client.send(
                    HttpRequest.newBuilder(URI.create("http://" + origin.authority() + "/bytes?n=" + ONE_GIB)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            long received = 0;
            long mismatches = 0;
            byte[] buf = new byte[256 * 1024];
            boolean paused = false;
            try (InputStream in = response.body()) {
                int r;
                while ((r = in.read(buf)) > 0) {
                    // Spot-check the pattern (every byte would make the test CPU-bound on 2 cores).
                    for (int k = 0; k < r; k += 4093) {
                        if (buf[k] != OriginServer.pattern(received + k)) {
                            mismatches++;
                        }
                    }
                    received += r;
                    if (!paused && received > 300L << 20) {
                        paused = true;
                        Thread.sleep(2000); // a slow reader: the proxy must hold back, not buffer
                    }
                }
            }
            assertThat(mismatches).isZero();
            assertThat(received).isEqualTo(ONE_GIB);
            assertThat(proxy.process().isAlive()).as("the capped proxy survived").isTrue();
        }
    }
}
