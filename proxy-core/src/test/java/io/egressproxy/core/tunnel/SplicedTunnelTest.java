package io.egressproxy.core.tunnel;

import io.egressproxy.core.EgressProxy;
import io.egressproxy.core.testing.CapturedLog;
import io.egressproxy.core.testing.TestProxies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Blind tunnels with the kernel splice ({@code transport.splice = true}, the default on epoll) and
 * with the copying relay ({@code false}) must behave the same: every byte both ways, a FIN passed
 * on only after the bytes ahead of it, exact byte counts in the access log, and an idle timeout
 * that closes silent tunnels but never busy ones (a spliced tunnel's reads are invisible to the
 * pipeline's idle handler).
 */
@Timeout(90)
class SplicedTunnelTest {
    private static EgressProxy spliced;
    private static EgressProxy copied;

    @BeforeAll
    static void start() {
        spliced = proxy(true);
        copied = proxy(false);
    }

    private static EgressProxy proxy(boolean splice) {
        return TestProxies.builder().allow("127.0.0.1:*")
                .set("egress-proxy.transport.splice", splice)
                .set("egress-proxy.limits.idle-timeout", "1500ms").start();
    }

    @AfterAll
    static void stop() {
        spliced.close();
        copied.close();
    }

    @BeforeEach
    void clear() {
        CapturedLog.clear();
    }

    private static EgressProxy proxy(String mode) {
        return mode.equals("spliced") ? spliced : copied;
    }

    @ParameterizedTest
    @ValueSource(strings = {"spliced", "copied"})
    void bulkTrafficMovesToTheKernelSpliceOnlyWhenEnabled(String mode) throws Exception {
        byte[] bulk = random(1024 * 1024, 5);
        try (ServerSocket server = listen(); Socket client = tunnel(proxy(mode), server.getLocalPort());
             Socket accepted = server.accept()) {
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> write(accepted, bulk));
            assertThat(sha256(readExactly(client, bulk.length))).isEqualTo(sha256(bulk));
            sent.get(30, TimeUnit.SECONDS);
            // and the tunnel goes on working both ways after the hand-over
            client.getOutputStream().write(7);
            assertThat(accepted.getInputStream().read()).isEqualTo(7);
            accepted.getOutputStream().write(8);
            assertThat(client.getInputStream().read()).isEqualTo(8);
        }
        boolean splicedLine = CapturedLog.lines().stream().anyMatch(l -> l.contains("spliced in the kernel"));
        assertThat(splicedLine).isEqualTo(mode.equals("spliced"));
        CapturedLog.awaitAccessLine("CONNECT 127.0.0.1:", "up=1 ", "down=" + (bulk.length + 1) + " ");
    }

    /** An interactive exchange (small reads) stays on the copying relay: a splice would only cost. */
    @ParameterizedTest
    @ValueSource(strings = {"spliced", "copied"})
    void smallExchangesStayCopied(String mode) throws Exception {
        try (ServerSocket server = listen(); Socket client = tunnel(proxy(mode), server.getLocalPort());
             Socket accepted = server.accept()) {
            for (int i = 0; i < 50; i++) {
                client.getOutputStream().write(new byte[1000]);
                assertThat(accepted.getInputStream().readNBytes(1000)).hasSize(1000);
                accepted.getOutputStream().write(new byte[1500]);
                assertThat(client.getInputStream().readNBytes(1500)).hasSize(1500);
            }
        }
        assertThat(CapturedLog.lines()).noneMatch(l -> l.contains("spliced in the kernel"));
        CapturedLog.awaitAccessLine("CONNECT 127.0.0.1:", "up=50000 ", "down=75000 ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"spliced", "copied"})
    void carriesBulkBothWaysAtOnceAndCountsEveryByte(String mode) throws Exception {
        int up = 24 * 1024 * 1024 + 17;
        int down = 32 * 1024 * 1024 + 5;
        byte[] upData = random(up, 1);
        byte[] downData = random(down, 2);
        try (ServerSocket server = listen(); Socket client = tunnel(proxy(mode), server.getLocalPort());
             Socket accepted = server.accept()) {
            CompletableFuture<byte[]> originGot = CompletableFuture.supplyAsync(() -> readExactly(accepted, up));
            CompletableFuture<Void> originSent = CompletableFuture.runAsync(() -> write(accepted, downData));
            CompletableFuture<Void> clientSent = CompletableFuture.runAsync(() -> write(client, upData));
            byte[] clientGot = readExactly(client, down);
            clientSent.get(30, TimeUnit.SECONDS);
            originSent.get(30, TimeUnit.SECONDS);
            assertThat(sha256(originGot.get(30, TimeUnit.SECONDS))).isEqualTo(sha256(upData));
            assertThat(sha256(clientGot)).isEqualTo(sha256(downData));
        }
        String line = CapturedLog.awaitAccessLine("CONNECT 127.0.0.1:", "up=" + up + " ", "down=" + down + " ");
        assertThat(line).contains("decision=allow");
    }

    @ParameterizedTest
    @ValueSource(strings = {"spliced", "copied"})
    void aFinRightBehindMegabytesArrivesOnlyAfterThemAll(String mode) throws Exception {
        int size = 16 * 1024 * 1024;
        byte[] data = random(size, 3);
        try (ServerSocket server = listen(); Socket client = tunnel(proxy(mode), server.getLocalPort(), 0)) {
            // The origin sends everything and closes at once; the FIN reaches the proxy while most
            // of the data is still queued in its sockets, because the client starts reading late.
            CompletableFuture<Void> origin = CompletableFuture.runAsync(() -> sendAndClose(server, data));
            Thread.sleep(500);
            byte[] got = client.getInputStream().readAllBytes();
            origin.get(30, TimeUnit.SECONDS);
            assertThat(got.length).isEqualTo(size);
            assertThat(sha256(got)).isEqualTo(sha256(data));
        }
        CapturedLog.awaitAccessLine("CONNECT 127.0.0.1:", "down=" + size + " ");
    }

    /**
     * The FIN arrives while the client reads nothing (its small receive window is full), so the
     * proxy has stopped reading the origin for backpressure when it learns of the FIN: the case in
     * which Netty's epoll registration used to drop a spliced channel (see EpollRegistrationPin),
     * failing the splice and losing the tail. The client then reads slowly.
     */
    @ParameterizedTest
    @ValueSource(strings = {"spliced", "copied"})
    void aFinThatArrivesWhileTheClientIsBackpressuredLosesNothing(String mode) throws Exception {
        int size = 8 * 1024 * 1024;
        byte[] data = random(size, 4);
        // Whether the FIN lands exactly while reads are paused depends on timing: try a few times.
        for (int attempt = 0; attempt < 4; attempt++) {
            CapturedLog.clear();
            try (ServerSocket server = listen(); Socket client = tunnel(proxy(mode), server.getLocalPort(), 16 * 1024)) {
                CompletableFuture<Void> origin = CompletableFuture.runAsync(() -> sendAndClose(server, data));
                Thread.sleep(700);
                byte[] got = readSlowly(client.getInputStream(), size);
                origin.get(30, TimeUnit.SECONDS);
                assertThat(got.length).as("bytes received in attempt %d", attempt).isEqualTo(size);
                assertThat(sha256(got)).isEqualTo(sha256(data));
            }
            CapturedLog.awaitAccessLine("CONNECT 127.0.0.1:", "down=" + size + " ");
        }
    }

    /** Reads to the end, pausing now and then, so the proxy's pipe to this client keeps filling. */
    private static byte[] readSlowly(InputStream in, int expected) throws Exception {
        ByteArrayOutputStream got = new ByteArrayOutputStream(expected);
        byte[] chunk = new byte[64 * 1024];
        for (int n, reads = 0; (n = in.read(chunk)) >= 0; reads++) {
            got.write(chunk, 0, n);
            if (reads % 16 == 0) {
                Thread.sleep(1);
            }
        }
        return got.toByteArray();
    }

    private static void sendAndClose(ServerSocket server, byte[] data) {
        try (Socket accepted = server.accept()) {
            write(accepted, data);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"spliced", "copied"})
    void halfCloseFromTheClientLetsTheOriginAnswerAfterwards(String mode) throws Exception {
        try (ServerSocket server = listen(); Socket client = tunnel(proxy(mode), server.getLocalPort())) {
            CompletableFuture<Void> origin = CompletableFuture.runAsync(() -> {
                try (Socket accepted = server.accept()) {
                    byte[] all = accepted.getInputStream().readAllBytes();
                    accepted.getOutputStream().write(("got " + all.length).getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            client.getOutputStream().write(new byte[5 * 1024 * 1024]);
            client.shutdownOutput();
            assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("got " + 5 * 1024 * 1024);
            origin.get(30, TimeUnit.SECONDS);
        }
        CapturedLog.awaitAccessLine("CONNECT 127.0.0.1:", "close=both-sides-done");
    }

    /**
     * The client's FIN arrives while the proxy has stopped reading it because the origin is not
     * reading yet; when the origin catches up, the proxy must not try to read the finished side
     * again (Netty 4.2 has dropped it from epoll by then, and a read would fail and close it).
     */
    @ParameterizedTest
    @ValueSource(strings = {"spliced", "copied"})
    void aClientFinWhileTheOriginIsNotReadingStillGetsTheAnswer(String mode) throws Exception {
        int size = 5 * 1024 * 1024;
        for (int attempt = 0; attempt < 3; attempt++) {
            try (ServerSocket server = listen(); Socket client = tunnel(proxy(mode), server.getLocalPort())) {
                CompletableFuture<Void> origin = CompletableFuture.runAsync(() -> {
                    try (Socket accepted = server.accept()) {
                        Thread.sleep(800); // not reading: the proxy's writes to it back up
                        byte[] all = accepted.getInputStream().readAllBytes();
                        accepted.getOutputStream().write(("got " + all.length).getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException | InterruptedException e) {
                        throw new RuntimeException(e);
                    }
                });
                CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                    write(client, new byte[size]);
                    try {
                        client.shutdownOutput();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                sender.get(30, TimeUnit.SECONDS);
                origin.get(30, TimeUnit.SECONDS);
                assertThat(answer).as("attempt %d", attempt).isEqualTo("got " + size);
            }
        }
        assertThat(CapturedLog.lines()).noneMatch(l -> l.contains("side failed"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"spliced", "copied"})
    void aSilentTunnelIsClosedAfterTheIdleTimeoutButABusyOneIsNot(String mode) throws Exception {
        try (ServerSocket server = listen(); Socket busy = tunnel(proxy(mode), server.getLocalPort());
             Socket busyOrigin = server.accept()) {
            // bulk first, so that the spliced proxy has handed this tunnel to the kernel
            byte[] bulk = random(1024 * 1024, 6);
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> write(busyOrigin, bulk));
            assertThat(readExactly(busy, bulk.length)).hasSize(bulk.length);
            sent.get(30, TimeUnit.SECONDS);
            // then 3 s of traffic, a byte every 250 ms: twice the 1.5 s idle timeout, never idle.
            for (int i = 0; i < 12; i++) {
                busy.getOutputStream().write(i);
                assertThat(busyOrigin.getInputStream().read()).isEqualTo(i);
                Thread.sleep(250);
            }
            busyOrigin.getOutputStream().write(42);
            assertThat(busy.getInputStream().read()).as("still open after 3 s of activity").isEqualTo(42);

            try (Socket silent = tunnel(proxy(mode), server.getLocalPort()); Socket silentOrigin = server.accept()) {
                silent.setSoTimeout(10_000);
                // bulk, then silence: a spliced tunnel's own idle check has to close it
                CompletableFuture<Void> silentSent = CompletableFuture.runAsync(() -> write(silentOrigin, bulk));
                assertThat(readExactly(silent, bulk.length)).hasSize(bulk.length);
                silentSent.get(30, TimeUnit.SECONDS);
                long start = System.nanoTime();
                assertThat(silent.getInputStream().read()).as("closed by the proxy").isEqualTo(-1);
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(waited).isBetween(1_000L, 6_000L);
                assertThat(silentOrigin.getInputStream().read()).isEqualTo(-1);
            }
        }
        CapturedLog.awaitAccessLine("CONNECT 127.0.0.1:", "close=idle-timeout");
    }

    private static ServerSocket listen() throws IOException {
        return new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    }

    /** A client socket with an established CONNECT tunnel to 127.0.0.1:{@code port}. */
    private static Socket tunnel(EgressProxy proxy, int port) throws Exception {
        return tunnel(proxy, port, 0);
    }

    /** The same, with the client's receive buffer set to {@code receiveBuffer} bytes (0: default). */
    private static Socket tunnel(EgressProxy proxy, int port, int receiveBuffer) throws Exception {
        Socket client = new Socket();
        if (receiveBuffer > 0) {
            client.setReceiveBufferSize(receiveBuffer);
        }
        client.connect(new InetSocketAddress("127.0.0.1", proxy.address().getPort()));
        client.getOutputStream().write(("CONNECT 127.0.0.1:" + port + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(ConnectTunnelTest.readHead(client.getInputStream())).startsWith("HTTP/1.1 200");
        return client;
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static void write(Socket socket, byte[] data) {
        try {
            OutputStream out = socket.getOutputStream();
            for (int off = 0; off < data.length; off += 65536) {
                out.write(data, off, Math.min(65536, data.length - off));
            }
            out.flush();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static byte[] readExactly(Socket socket, int size) {
        try {
            InputStream in = socket.getInputStream();
            return in.readNBytes(size);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static String sha256(byte[] data) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
