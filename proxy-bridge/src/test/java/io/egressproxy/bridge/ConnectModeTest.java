package io.egressproxy.bridge;

import io.egressproxy.bridge.config.Mode;
import io.egressproxy.bridge.config.Route;
import io.egressproxy.core.EgressProxy;
import io.egressproxy.core.testing.CapturedLog;
import io.egressproxy.core.testing.TestProxies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Connect mode through the real egress proxy: a CONNECT tunnel per connection, then raw bytes. */
@Timeout(60)
class ConnectModeTest {
    private static EchoServer echo;
    private static EgressProxy proxy;
    private static Bridge bridge;

    @BeforeAll
    static void start() throws Exception {
        echo = new EchoServer();
        proxy = TestProxies.builder().allow("localhost:" + echo.port()).start();
        bridge = TestBridges.start(TestProxies.url(proxy), Route.of("127.0.0.1:0", "localhost:" + echo.port(), Mode.CONNECT));
    }

    @AfterAll
    static void stop() throws IOException {
        bridge.close();
        proxy.close();
        echo.close();
    }

    @BeforeEach
    void clearLog() {
        CapturedLog.clear();
    }

    @Test
    void carriesANonHttpByteStreamBothWaysAndPassesTheHalfClose() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024];
        new Random(42).nextBytes(data);
        int finsBefore = echo.clientFins();
        try (Socket socket = connect(bridge.addresses().get(0))) {
            InputStream in = socket.getInputStream();
            assertThat(new String(in.readNBytes(EchoServer.BANNER.length()), StandardCharsets.US_ASCII))
                    .isEqualTo(EchoServer.BANNER);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    socket.getOutputStream().write(data);
                    socket.shutdownOutput();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            in.transferTo(back); // ends only when the echo server's FIN came back through the tunnel
            writer.get(30, TimeUnit.SECONDS);
            assertThat(back.toByteArray()).isEqualTo(data);
        }
        assertThat(echo.clientFins()).isEqualTo(finsBefore + 1);
        waitFor(() -> CapturedLog.lines().stream().anyMatch(l -> l.startsWith("bridge.access ") && l.contains("CONNECT")
                && l.contains("status=200") && l.contains("up=" + data.length)));
    }

    @Test
    void bytesTheClientSendsBeforeTheTunnelStandsArriveIntact() throws Exception {
        try (Socket socket = connect(bridge.addresses().get(0))) {
            socket.getOutputStream().write("early bytes\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String expected = EchoServer.BANNER + "early bytes\n";
            assertThat(new String(socket.getInputStream().readNBytes(expected.length()), StandardCharsets.US_ASCII))
                    .isEqualTo(expected);
        }
    }

    @Test
    void deniedTargetClosesTheClientAndLogsTheProxysStatusAndReason() throws Exception {
        try (Bridge denied = TestBridges.start(TestProxies.url(proxy), Route.of("127.0.0.1:0", "localhost:9", Mode.CONNECT));
             Socket socket = connect(denied.addresses().get(0))) {
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        waitFor(() -> CapturedLog.lines().stream().anyMatch(l -> l.contains("refused CONNECT localhost:9: 403")));
        String line = CapturedLog.lines().stream().filter(l -> l.contains("refused CONNECT localhost:9")).findFirst().orElseThrow();
        assertThat(line).contains("(reason: ").doesNotContain("(reason: -)");
    }

    @Test
    void proxyDownClosesTheClientAndLogsWhy() throws Exception {
        int port = TestBridges.closedPort();
        try (Bridge orphan = TestBridges.start("127.0.0.1:" + port, Route.of("127.0.0.1:0", "localhost:9", Mode.CONNECT));
             Socket socket = connect(orphan.addresses().get(0))) {
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        waitFor(() -> CapturedLog.lines().stream()
                .anyMatch(l -> l.contains("cannot reach the egress proxy at 127.0.0.1:" + port + ": connection refused")));
    }

    static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(15_000);
        return socket;
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(condition.getAsBoolean()).as("condition within 5 s").isTrue();
    }
}
