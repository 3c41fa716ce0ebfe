package io.egressproxy.core.tunnel;

import io.egressproxy.core.EgressProxy;
import io.egressproxy.core.testing.CapturedLog;
import io.egressproxy.core.testing.Curl;
import io.egressproxy.core.testing.OriginServer;
import io.egressproxy.core.testing.RawServer;
import io.egressproxy.core.testing.TestProxies;
import io.egressproxy.core.testing.TestTls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** CONNECT tunnels end to end: curl over real TLS to an HTTPS origin, and raw byte relays with half-close. */
@Timeout(60)
class ConnectTunnelTest {
    private static TestTls tls;
    private static OriginServer httpsOrigin;
    private static EgressProxy proxy;
    @TempDir
    static Path dir;
    private static Path caPem;

    @BeforeAll
    static void start() throws Exception {
        tls = new TestTls();
        httpsOrigin = new OriginServer(tls.serverContext("localhost"));
        caPem = tls.writeCaPem(dir.resolve("harness-ca.pem"));
        proxy = TestProxies.builder().allow("localhost:" + httpsOrigin.port(), "127.0.0.1").start();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        httpsOrigin.close();
    }

    @Test
    void curlReachesAnHttpsOriginThroughATunnelAndSeesTheOriginsCertificate() throws Exception {
        CapturedLog.clear();
        Curl.Result result = Curl.run("-p", "-x", TestProxies.url(proxy), "--cacert", caPem.toString(),
                "https://localhost:" + httpsOrigin.port() + "/echo");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("GET /echo");
        String line = CapturedLog.awaitAccessLine("CONNECT localhost:" + httpsOrigin.port(), "decision=allow");
        assertThat(line).contains("status=200").containsPattern("up=[1-9]\\d* down=[1-9]\\d*");
    }

    @Test
    void deniedConnectIsRefusedByCurl() throws Exception {
        Curl.Result result = Curl.run("-p", "-x", TestProxies.url(proxy), "--cacert", caPem.toString(),
                "-w", "%{http_connect}", "https://localhost:1/echo");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.out()).isEqualTo("403");
    }

    @Test
    void relaysBytesBothWaysAndPassesHalfCloseOn() throws Exception {
        // An echo-until-EOF server: it only answers after the client's FIN arrives through the tunnel.
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread echo = new Thread(() -> {
                try (Socket s = server.accept()) {
                    byte[] all = s.getInputStream().readAllBytes();
                    s.getOutputStream().write(("got " + all.length + " bytes").getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                } catch (Exception ignored) {
                    // the test fails on the client side
                }
            });
            echo.start();
            try (Socket client = new Socket("127.0.0.1", proxy.address().getPort())) {
                OutputStream out = client.getOutputStream();
                InputStream in = client.getInputStream();
                out.write(("CONNECT 127.0.0.1:" + server.getLocalPort() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String head = readHead(in);
                assertThat(head).startsWith("HTTP/1.1 200");
                byte[] payload = new byte[3 * 1024 * 1024];
                out.write(payload);
                client.shutdownOutput();
                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("got " + payload.length + " bytes");
            }
            echo.join(5000);
        }
    }

    @Test
    void nonHttpProtocolsPassThroughUnchanged() throws Exception {
        try (RawServer upstream = new RawServer("127.0.0.1", null);
             Socket client = new Socket("127.0.0.1", proxy.address().getPort())) {
            client.getOutputStream().write(("CONNECT 127.0.0.1:" + upstream.port() + " HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(readHead(client.getInputStream())).startsWith("HTTP/1.1 200");
            byte[] binary = {0, 1, 2, (byte) 0xff, '\r', '\n', 'G', 'E', 'T'};
            client.getOutputStream().write(binary);
            long deadline = System.currentTimeMillis() + 5000;
            while (upstream.receivedText().length() < binary.length && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(upstream.receivedText().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(binary);
        }
    }

    static String readHead(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
