package io.egressproxy.core.admin;

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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM lets an in-flight download finish within the drain timeout, then the proxy exits 0. */
@Timeout(120)
class GracefulStopTest {

    @Test
    void sigtermDuringALongDownloadLetsItComplete() throws Exception {
        long size = 200L << 20;
        try (OriginServer origin = new OriginServer();
             ChildProxy proxy = ChildProxy.start(List.of("-Xmx128m", "-Dio.netty.leakDetection.level=disabled"),
                     "egress-proxy { listen = \"127.0.0.1:0\", policy.allow = [\"" + origin.authority() + "\"],"
                             + " dns.servers = [\"" + TestProxies.dns().address() + "\"], tls.intercept = none,"
                             + " limits.drain-timeout = 30s }")) {
            HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(proxy.address())).build();
            HttpResponse<InputStream> response = client.send(
                    HttpRequest.newBuilder(URI.create("http://" + origin.authority() + "/bytes?n=" + size)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            long received = 0;
            boolean signalled = false;
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = response.body()) {
                int r;
                while ((r = in.read(buf)) > 0) {
                    received += r;
                    if (!signalled && received > (20L << 20)) {
                        proxy.process().destroy(); // SIGTERM
                        signalled = true;
                    }
                    if (signalled && received < (60L << 20)) {
                        Thread.sleep(5); // a slow reader, still reading while the proxy drains
                    }
                }
            }
            assertThat(signalled).isTrue();
            assertThat(received).as("the download completed after SIGTERM").isEqualTo(size);
            assertThat(proxy.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(proxy.process().exitValue()).isZero();
        }
    }
}
