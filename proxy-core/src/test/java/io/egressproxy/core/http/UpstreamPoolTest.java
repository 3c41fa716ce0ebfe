package io.egressproxy.core.http;

import io.egressproxy.core.EgressProxy;
import io.egressproxy.core.testing.TestProxies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upstream keep-alive: a client's requests reuse one upstream connection, an idle one is closed
 * after {@code limits.upstream-keep-alive}, and one the origin closed while idle is not reused.
 */
@Timeout(60)
class UpstreamPoolTest {
    private EgressProxy proxy;
    private CountingOrigin origin;

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    void requestsOfOneClientReuseOneUpstreamConnection() throws Exception {
        origin = new CountingOrigin();
        proxy = TestProxies.builder().allow("127.0.0.1:*").set("egress-proxy.limits.upstream-keep-alive", "30s").start();
        try (Socket client = connectToProxy()) {
            for (int i = 0; i < 5; i++) {
                assertThat(get(client)).startsWith("HTTP/1.1 200");
            }
        }
        assertThat(origin.accepted.get()).isEqualTo(1);
    }

    @Test
    void anIdleUpstreamIsClosedAfterTheKeepAlive() throws Exception {
        origin = new CountingOrigin();
        proxy = TestProxies.builder().allow("127.0.0.1:*").set("egress-proxy.limits.upstream-keep-alive", "400ms").start();
        try (Socket client = connectToProxy()) {
            assertThat(get(client)).startsWith("HTTP/1.1 200");
            long start = System.nanoTime();
            assertThat(origin.closedByProxy.await(10, TimeUnit.SECONDS)).as("upstream closed by the proxy").isTrue();
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(waited).isBetween(200L, 5_000L);
            // and the next request opens a new connection
            assertThat(get(client)).startsWith("HTTP/1.1 200");
        }
        assertThat(origin.accepted.get()).isEqualTo(2);
    }

    @Test
    void anUpstreamThatClosedWhileIdleIsNotReused() throws Exception {
        origin = new CountingOrigin();
        origin.closeAfterEachResponseDelayMillis = 100;
        proxy = TestProxies.builder().allow("127.0.0.1:*").set("egress-proxy.limits.upstream-keep-alive", "30s").start();
        try (Socket client = connectToProxy()) {
            assertThat(get(client)).startsWith("HTTP/1.1 200");
            Thread.sleep(600); // the origin has closed the pooled connection meanwhile
            assertThat(get(client)).startsWith("HTTP/1.1 200");
        }
        assertThat(origin.accepted.get()).isEqualTo(2);
    }

    private Socket connectToProxy() throws IOException {
        Socket client = new Socket("127.0.0.1", proxy.address().getPort());
        client.setSoTimeout(10_000);
        return client;
    }

    private String get(Socket client) throws IOException {
        String target = "127.0.0.1:" + origin.port();
        client.getOutputStream().write(("GET http://" + target + "/x HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return readResponse(client.getInputStream());
    }

    /** Reads one response with a Content-Length body. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return text + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }

    /** A keep-alive HTTP origin that counts connections and notices the proxy closing one. */
    private static final class CountingOrigin implements AutoCloseable {
        final AtomicInteger accepted = new AtomicInteger();
        final CountDownLatch closedByProxy = new CountDownLatch(1);
        volatile long closeAfterEachResponseDelayMillis = -1;
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final CopyOnWriteArrayList<Socket> sockets = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        CountingOrigin() throws IOException {
            acceptor = new Thread(this::acceptLoop, "counting-origin");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    accepted.incrementAndGet();
                    sockets.add(socket);
                    Thread serve = new Thread(() -> serve(socket), "counting-origin-conn");
                    serve.setDaemon(true);
                    serve.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket socket) {
            try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
                while (true) {
                    if (!readHead(in)) {
                        closedByProxy.countDown();
                        return;
                    }
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    if (closeAfterEachResponseDelayMillis >= 0) {
                        Thread.sleep(closeAfterEachResponseDelayMillis);
                        return;
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the test is over or the proxy reset the connection
            }
        }

        /** Reads a request head; false at end of stream. */
        private static boolean readHead(InputStream in) throws IOException {
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return false;
                }
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }
}
