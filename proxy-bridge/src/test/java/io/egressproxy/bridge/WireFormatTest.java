package io.egressproxy.bridge;

import io.egressproxy.bridge.config.Mode;
import io.egressproxy.bridge.config.Route;
import io.egressproxy.core.testing.CapturedLog;
import io.egressproxy.core.testing.RawClient;
import io.egressproxy.core.testing.RawServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exact bytes the bridge sends to the proxy, seen by a raw listener standing in for the
 * proxy: absolute form, Host, hop-by-hop headers gone, the bridge's own credentials.
 */
@Timeout(30)
class WireFormatTest {
    private static final String PROXY_USER_INFO = "sandbox-1:s%40cret:x";
    private static final String EXPECTED_AUTH = "Basic " + Base64.getEncoder()
            .encodeToString("sandbox-1:s@cret:x".getBytes(StandardCharsets.UTF_8));

    @BeforeEach
    void clearLog() {
        CapturedLog.clear();
    }

    @Test
    void httpModeSendsAbsoluteFormWithTheTargetAsHostAndTheBridgesCredentials() throws Exception {
        try (RawServer fakeProxy = new RawServer("127.0.0.1", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
             Bridge bridge = TestBridges.start("http://" + PROXY_USER_INFO + "@127.0.0.1:" + fakeProxy.port(),
                     Route.parse("127.0.0.1:0=localhost:12434"))) {
            RawClient.Reply reply = RawClient.exchange(bridge.addresses().get(0),
                    "POST /engines/llama.cpp/v1/chat/completions?x=1 HTTP/1.1\r\n"
                            + "Host: 127.0.0.1:54321\r\n"
                            + "Proxy-Authorization: Basic Y2xpZW50OmNvcHk=\r\n"
                            + "Connection: keep-alive, X-Hop\r\n"
                            + "X-Hop: dropped\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nUpgrade: h2c\r\n"
                            + "Proxy-Connection: keep-alive\r\n"
                            + "X-End: kept\r\nContent-Length: 4\r\n\r\n{}{}", 1000, 5000);
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.text()).endsWith("ok");
            String sent = fakeProxy.receivedText();
            assertThat(sent).startsWith("POST http://localhost:12434/engines/llama.cpp/v1/chat/completions?x=1 HTTP/1.1\r\n");
            String lower = sent.toLowerCase(Locale.ROOT);
            assertThat(lower).contains("\r\nhost: localhost:12434\r\n").contains("\r\nx-end: kept\r\n")
                    .doesNotContain("x-hop").doesNotContain("keep-alive").doesNotContain("\r\nte:")
                    .doesNotContain("upgrade").doesNotContain("connection:").doesNotContain("y2xpzw50")
                    .endsWith("\r\n\r\n{}{}");
            assertThat(sent).contains("\r\nproxy-authorization: " + EXPECTED_AUTH + "\r\n");
        }
        assertThat(CapturedLog.lines()).noneMatch(l -> l.contains("s@cret") || l.contains("s%40cret")
                || l.contains(EXPECTED_AUTH.substring(6)));
    }

    @Test
    void aBodylessRequestIsSentOnceMoreWhenTheProxyDropsAReusedConnectionWithoutAnswering() throws Exception {
        // A fake proxy that answers the first request on each connection and closes on the second:
        // the keep-alive race seen from the bridge.
        java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        try (java.net.ServerSocket fake = new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                while (!fake.isClosed()) {
                    try (Socket s = fake.accept()) {
                        int n = connections.incrementAndGet();
                        java.io.BufferedReader in = new java.io.BufferedReader(
                                new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                            // skip the first request
                        }
                        String body = "answer on connection " + n;
                        s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                                .getBytes(StandardCharsets.ISO_8859_1));
                        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                            // read the second request, then close without answering
                        }
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            }, "fake-proxy");
            server.setDaemon(true);
            server.start();
            try (Bridge bridge = TestBridges.start("127.0.0.1:" + fake.getLocalPort(), Route.parse("127.0.0.1:0=localhost:1"));
                 Socket client = ConnectModeTest.connect(bridge.addresses().get(0))) {
                java.io.InputStream in = new java.io.BufferedInputStream(client.getInputStream());
                for (int i = 1; i <= 2; i++) {
                    client.getOutputStream().write("GET /x HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    HttpResponses.Response response = HttpResponses.read(in, false);
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.text()).isEqualTo("answer on connection " + i);
                }
            }
        }
    }

    @Test
    void connectModeAsksForATunnelWithCredentialsAndRelaysBytesRightBehindThe200() throws Exception {
        try (RawServer fakeProxy = new RawServer("127.0.0.1",
                "HTTP/1.1 200 Connection established\r\n\r\nSSH-2.0-target-speaks-first\r\n");
             Bridge bridge = TestBridges.start("http://" + PROXY_USER_INFO + "@127.0.0.1:" + fakeProxy.port(),
                     Route.of("127.0.0.1:0", "db.internal:5432", Mode.CONNECT));
             Socket socket = ConnectModeTest.connect(bridge.addresses().get(0))) {
            String banner = "SSH-2.0-target-speaks-first\r\n";
            assertThat(new String(socket.getInputStream().readNBytes(banner.length()), StandardCharsets.US_ASCII))
                    .isEqualTo(banner);
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            assertThat(fakeProxy.receivedText()).isEqualTo("CONNECT db.internal:5432 HTTP/1.1\r\n"
                    + "Host: db.internal:5432\r\nProxy-Authorization: " + EXPECTED_AUTH + "\r\n\r\n");
        }
    }
}
