package io.egressproxy.core.tls;

import com.typesafe.config.ConfigFactory;
import io.egressproxy.core.EgressProxy;
import io.egressproxy.core.testing.TestProxies;
import io.egressproxy.core.testing.TestTls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS session resumption on both sides of an intercepted connection, observed by OpenSSL's own
 * tools: a client that reconnects with its saved session resumes with the proxy (no new
 * certificate signature, no full key exchange), and the proxy resumes its session with the origin
 * when it has to open a new upstream connection. The origin is {@code openssl s_server -www}, whose
 * status page says whether the connection it serves is "New" or "Reused"; upstream connections are
 * not pooled here, so every request needs a new upstream handshake.
 */
@Timeout(60)
class SessionResumptionTest {
    @TempDir
    static Path dir;
    private static Process origin;
    private static int originPort;
    private static EgressProxy proxy;
    private static Path proxyCa;

    @BeforeAll
    static void start() throws Exception {
        TestTls harness = new TestTls();
        Path cert = dir.resolve("origin.pem");
        Path key = dir.resolve("origin-key.pem");
        harness.writeServerPem("localhost", cert, key);
        Path harnessCa = harness.writeCaPem(dir.resolve("harness-ca.pem"));
        originPort = freePort();
        origin = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + originPort, "-cert", cert.toString(),
                "-key", key.toString(), "-www", "-naccept", "20")
                .redirectErrorStream(true).redirectOutput(dir.resolve("s_server.log").toFile()).start();
        awaitListening(originPort);
        proxy = TestProxies.builder().config(ConfigFactory.parseString(
                "egress-proxy { policy.allow = [\"localhost:*\"], tls.intercept = all,"
                        + " tls.upstream-trust = [\"" + harnessCa + "\"], limits.upstream-keep-alive = 0 }")).start();
        proxyCa = TestProxies.caDir().resolve("ca.pem");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (proxy != null) {
            proxy.close();
        }
        if (origin != null) {
            origin.destroy();
            origin.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aReconnectingClientResumesWithTheProxyAndTheProxyResumesWithTheOrigin() throws Exception {
        Path session = dir.resolve("client-session.pem");
        String first = fetchThroughProxy(session, false);
        assertThat(first).as("client↔proxy, first connection").contains("New, TLSv1.3");
        assertThat(originStatus(first)).as("proxy↔origin, first connection").startsWith("New,");

        String second = fetchThroughProxy(session, true);
        assertThat(second).as("client↔proxy: the saved session is accepted").contains("Reused, TLSv1.3");
        assertThat(originStatus(second)).as("proxy↔origin: a new upstream connection resumes").startsWith("Reused,");
    }

    /** One HTTPS request through the proxy with {@code openssl s_client}; returns all it printed. */
    private static String fetchThroughProxy(Path session, boolean resume) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-proxy",
                "127.0.0.1:" + proxy.address().getPort(), "-connect", "localhost:" + originPort, "-servername", "localhost",
                "-CAfile", proxyCa.toString(), "-verify_return_error", "-ign_eof", "-sess_out", session.toString()));
        if (resume) {
            command.addAll(List.of("-sess_in", session.toString()));
        }
        Process client = new ProcessBuilder(command).redirectErrorStream(true).start();
        client.getOutputStream().write(("GET / HTTP/1.1\r\nHost: localhost:" + originPort + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().close();
        assertThat(client.waitFor(20, TimeUnit.SECONDS)).as("s_client finished").isTrue();
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).as(out).contains("HTTP/1.1 200 ok");
        return out;
    }

    /** The origin's own line about the upstream connection, e.g. "Reused, TLSv1.3, Cipher is …". */
    private static String originStatus(String clientOutput) {
        int page = clientOutput.indexOf("HTTP/1.1 200 ok");
        String body = clientOutput.substring(page);
        for (String line : body.split("\n")) {
            String trimmed = line.replaceAll("<[^>]*>", "").trim();
            if (trimmed.startsWith("New,") || trimmed.startsWith("Reused,")) {
                return trimmed;
            }
        }
        return "no status line in: " + body;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void awaitListening(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !origin.isAlive()) {
                    throw new IllegalStateException("openssl s_server did not start on port " + port, notYet);
                }
                Thread.sleep(50);
            }
        }
    }
}
