package io.egressproxy.bridge;

import io.egressproxy.bridge.config.Mode;
import io.egressproxy.bridge.config.Route;
import io.egressproxy.core.EgressProxy;
import io.egressproxy.core.testing.CapturedLog;
import io.egressproxy.core.testing.OriginServer;
import io.egressproxy.core.testing.RawClient;
import io.egressproxy.core.testing.TestProxies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Http mode through the real egress proxy to real servers on loopback: streaming, bodies,
 * keep-alive, header rewriting and the proxy's own answers passed through.
 */
@Timeout(120)
class HttpModeTest {
    private static final int EVENTS = 8;
    private static final long PAUSE_MILLIS = 300;

    private static ModelStandIn model;
    private static OriginServer origin;
    private static EgressProxy proxy;
    private static Bridge bridge;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        model = new ModelStandIn(EVENTS, PAUSE_MILLIS);
        origin = new OriginServer();
        proxy = TestProxies.builder().allow(model.target(), "localhost:" + origin.port()).start();
        bridge = TestBridges.start(TestProxies.url(proxy),
                Route.of("127.0.0.1:0", model.target(), Mode.HTTP),
                Route.of("127.0.0.1:0", "localhost:" + origin.port(), Mode.HTTP));
        client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        bridge.close();
        proxy.close();
        origin.close();
        model.close();
    }

    @BeforeEach
    void clearLog() {
        CapturedLog.clear();
    }

    private static String modelUrl(String path) {
        return TestBridges.url(bridge.addresses().get(0)) + ModelStandIn.BASE + path;
    }

    private static String originUrl(String path) {
        return TestBridges.url(bridge.addresses().get(1)) + path;
    }

    @Test
    void streamedChatCompletionReachesTheClientEventByEvent() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(modelUrl("/chat/completions")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"stand-in\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");

        StringBuilder received = new StringBuilder();
        long firstEventReceived = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (firstEventReceived == 0 && line.startsWith("data: ")) {
                    firstEventReceived = System.nanoTime();
                }
                received.append(line).append('\n');
            }
        }
        List<Long> sent = model.sentAtNanos();
        assertThat(sent).hasSize(EVENTS);
        long lastSent = sent.get(EVENTS - 1);
        // Measured: the first event arrived while the stand-in was still pausing between events.
        assertThat(TimeUnit.NANOSECONDS.toMillis(lastSent - firstEventReceived))
                .as("ms between the first event reaching the client and the last event being sent")
                .isGreaterThan(1000);
        assertThat(received.toString()).isEqualTo(model.streamedBody());
        assertThat(received.toString()).startsWith(ModelStandIn.event(0)).endsWith("data: [DONE]\n\n");
    }

    @Test
    void largeJsonPostArrivesIntactWithContentLengthAndChunked() throws Exception {
        StringBuilder json = new StringBuilder("{\"model\":\"stand-in\",\"messages\":[");
        for (int i = 0; json.length() < 3_000_000; i++) {
            json.append("{\"role\":\"user\",\"content\":\"message ").append(i).append(" \u00e9\u4e2d\"},");
        }
        json.append("{\"role\":\"user\",\"content\":\"end\"}]}");
        byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
        String expected = body.length + " " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));

        HttpResponse<String> sized = client.send(HttpRequest.newBuilder(URI.create(originUrl("/sink")))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(sized.statusCode()).isEqualTo(200);
        assertThat(sized.body().trim()).isEqualTo(expected);

        HttpResponse<String> chunked = client.send(HttpRequest.newBuilder(URI.create(originUrl("/sink")))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(200);
        assertThat(chunked.body().trim()).isEqualTo(expected);

        HttpResponse<String> completion = client.send(HttpRequest.newBuilder(URI.create(modelUrl("/chat/completions")))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(completion.body()).contains("read " + body.length + " bytes");
    }

    @Test
    void largeDownloadsStreamIntact() throws Exception {
        for (String query : new String[] {"n=8000000", "n=8000000&chunked=1"}) {
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(originUrl("/bytes?" + query)))
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            long i = 0;
            try (InputStream in = response.body()) {
                byte[] buf = new byte[65536];
                int r;
                while ((r = in.read(buf)) > 0) {
                    for (int k = 0; k < r; k++) {
                        assertThat(buf[k]).isEqualTo(OriginServer.pattern(i++));
                    }
                }
            }
            assertThat(i).as(query).isEqualTo(8_000_000L);
        }
    }

    @Test
    void manySequentialRequestsShareOneClientConnectionAndOneProxyConnection() throws Exception {
        InetSocketAddress address = bridge.addresses().get(1);
        int clientPort;
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            clientPort = socket.getLocalPort();
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            for (int i = 0; i < 60; i++) {
                String path = switch (i % 4) {
                    case 0 -> "/bytes?n=" + (1000 + i);
                    case 1 -> "/bytes?n=" + (2000 + i) + "&chunked=1";
                    case 2 -> "/hello";
                    default -> "/sink";
                };
                boolean head = i % 10 == 9;
                String method = head ? "HEAD" : i % 4 == 3 ? "POST" : "GET";
                String body = method.equals("POST") ? "request " + i : "";
                out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + (body.isEmpty() ? "" : "Content-Length: " + body.length() + "\r\n")
                        + "\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                HttpResponses.Response response = HttpResponses.read(in, head);
                assertThat(response.status()).as("request %d", i).isEqualTo(200);
                if (!head && i % 4 == 0) {
                    assertThat(response.body()).hasSize(1000 + i);
                } else if (!head && i % 4 == 1) {
                    assertThat(response.body()).hasSize(2000 + i);
                } else if (!head && i % 4 == 3) {
                    assertThat(response.text()).startsWith(body.length() + " ");
                }
            }
        }
        // Access lines are written just after the last byte of each response went out.
        ConnectModeTest.waitFor(() -> bridgeAccessLines().stream()
                .filter(l -> l.contains(" client=127.0.0.1:" + clientPort + " ")).count() >= 60);
        // The proxy saw every one of these requests come in on one connection from the bridge: find
        // that connection by the first request (1000 bytes down), then count its lines.
        Pattern clientOfProxy = Pattern.compile("client=127\\.0\\.0\\.1:(\\d+) ");
        String firstLine = proxyAccessLines().stream().filter(l -> l.contains("/bytes ") && l.contains(" down=1000 "))
                .findFirst().orElseThrow();
        Matcher m = clientOfProxy.matcher(firstLine);
        assertThat(m.find()).isTrue();
        String bridgeSide = "client=127.0.0.1:" + m.group(1) + " ";
        ConnectModeTest.waitFor(() -> proxyAccessLines().stream().filter(l -> l.contains(bridgeSide)).count() >= 60);
        assertThat(proxyAccessLines()).filteredOn(l -> l.contains(bridgeSide)).hasSize(60);
        assertThat(bridgeAccessLines()).filteredOn(l -> l.contains(" client=127.0.0.1:" + clientPort + " "))
                .hasSize(60).allMatch(l -> l.contains("close=keep-alive"));
    }

    @Test
    void requestIsRewrittenToTheTargetAndKeepsEndToEndHeaders() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(originUrl("/echo?q=1")))
                .header("X-Custom", "kept")
                .header("Authorization", "Bearer end-to-end")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("GET /echo?q=1\n");
        OriginServer.Seen seen = origin.requests().get(origin.requests().size() - 1);
        assertThat(seen.header("host")).containsExactly("localhost:" + origin.port());
        assertThat(seen.header("x-custom")).containsExactly("kept");
        assertThat(seen.header("authorization")).containsExactly("Bearer end-to-end");
        assertThat(seen.header("proxy-authorization")).isEmpty();
    }

    @Test
    void deniedTargetShowsTheClientTheProxys403AndReason() throws Exception {
        try (Bridge denied = TestBridges.start(TestProxies.url(proxy), Route.parse("127.0.0.1:0=localhost:9"))) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create(TestBridges.url(denied.addresses().get(0)) + "/v1/models")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(403);
            String reason = response.headers().firstValue("x-egress-proxy-reason").orElseThrow();
            assertThat(reason).contains("localhost");
            assertThat(response.body()).isEqualTo(reason + "\n");
            assertThat(response.headers().firstValue("x-egress-bridge-error")).isEmpty();
        }
    }

    @Test
    void targetDownShowsTheClientTheProxys502() throws Exception {
        int port = TestBridges.closedPort();
        try (EgressProxy allowing = TestProxies.builder().allow("localhost:" + port).start();
             Bridge down = TestBridges.start(TestProxies.url(allowing), Route.parse("127.0.0.1:0=localhost:" + port))) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create(TestBridges.url(down.addresses().get(0)) + "/v1/models")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.headers().firstValue("x-egress-proxy-error")).isPresent();
            assertThat(response.headers().firstValue("x-egress-bridge-error")).isEmpty();
        }
    }

    @Test
    void proxyDownGivesTheBridges502NamingTheProxyAndTheCause() throws Exception {
        int port = TestBridges.closedPort();
        try (Bridge orphan = TestBridges.start("http://127.0.0.1:" + port, Route.parse("127.0.0.1:0=localhost:12434"))) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create(TestBridges.url(orphan.addresses().get(0)) + "/v1/models")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.headers().firstValue("x-egress-bridge-error")).hasValue("proxy-unreachable");
            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
            assertThat(response.body()).isEqualTo("cannot reach the egress proxy at 127.0.0.1:" + port + ": connection refused\n");
        }
    }

    @Test
    void malformedRequestGets400AndTheBridgeKeepsServing() throws Exception {
        InetSocketAddress address = bridge.addresses().get(1);
        for (String bad : new String[] {
                "GARBAGE\r\n\r\n",
                "GET /x HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n",
                "GET /x HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello",
                "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\n\r\n",
                "CONNECT localhost:443 HTTP/1.1\r\nHost: localhost:443\r\n\r\n",
                "GET relative HTTP/1.1\r\nHost: a\r\n\r\n"}) {
            RawClient.Reply reply = RawClient.exchange(address, bad, 3000, 10_000);
            assertThat(reply.status()).as(bad.substring(0, Math.min(40, bad.length()))).isIn(400, 405);
            assertThat(reply.header("X-Egress-Bridge-Error")).isIn("bad-request", "method-not-allowed");
            assertThat(reply.closed()).isTrue();
        }
        RawClient.Reply truncated = RawClient.exchange(address, "GET /hel", 300, 1000);
        assertThat(truncated.text()).isEmpty();
        HttpResponse<String> ok = client.send(HttpRequest.newBuilder(URI.create(originUrl("/hello"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok.body()).isEqualTo("hello from origin\n");
    }

    @Test
    void http10ClientGetsAChunkedBodyRawAndThenTheClose() throws Exception {
        RawClient.Reply reply = RawClient.exchange(bridge.addresses().get(1),
                "GET /bytes?n=3000&chunked=1 HTTP/1.0\r\n\r\n", 5000, 10_000);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Transfer-Encoding")).isNull();
        assertThat(reply.closed()).isTrue();
        String body = reply.text().substring(reply.text().indexOf("\r\n\r\n") + 4);
        assertThat(body).hasSize(3000);
    }

    @Test
    void clientClosingMidStreamClosesTheWayUpstream() throws Exception {
        InetSocketAddress address = bridge.addresses().get(0);
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(10_000);
            String json = "{\"stream\":true}";
            socket.getOutputStream().write(("POST " + ModelStandIn.BASE + "/chat/completions HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: " + json.length() + "\r\n\r\n" + json).getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[4096];
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("tok 0")) {
                int r = in.read(buf);
                assertThat(r).isPositive();
                seen.append(new String(buf, 0, r, StandardCharsets.UTF_8));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (bridgeAccessLines().stream().noneMatch(l -> l.contains("close=client-closed")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(bridgeAccessLines()).anyMatch(l -> l.contains("POST " + ModelStandIn.BASE + "/chat/completions")
                && l.contains("status=200") && l.contains("close=client-closed"));
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (proxyAccessLines().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(proxyAccessLines()).as("the proxy saw its client (the bridge) go away").isNotEmpty();
    }

    @Test
    void aClientThatStopsReadingStopsTheBridgeReadingTheProxy() throws Exception {
        long size = 100_000_000L;
        InetSocketAddress address = bridge.addresses().get(1);
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET /bytes?n=" + size + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(2000);
            // Socket buffers along the way hold a few MB; without backpressure the bridge would
            // have buffered the rest and the proxy would have finished sending long ago.
            assertThat(proxyAccessLines()).as("the proxy is still sending").noneMatch(l -> l.contains("/bytes"));
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16);
            long i = 0;
            String statusAndHeaders = readHead(in);
            assertThat(statusAndHeaders).startsWith("HTTP/1.1 200").contains("content-length: " + size);
            byte[] buf = new byte[1 << 16];
            while (i < size) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, size - i));
                assertThat(r).isPositive();
                for (int k = 0; k < r; k++) {
                    if (buf[k] != OriginServer.pattern(i + k)) {
                        throw new AssertionError("byte " + (i + k) + " differs");
                    }
                }
                i += r;
            }
        }
        // Both access lines are written once the last byte is out; wait so they cannot land in another test's log.
        ConnectModeTest.waitFor(() -> proxyAccessLines().stream().anyMatch(l -> l.contains("down=" + size))
                && bridgeAccessLines().stream().anyMatch(l -> l.contains("down=" + size)));
    }

    private static String readHead(InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            assertThat(c).isNotNegative();
            head.append((char) c);
        }
        return head.toString().toLowerCase(java.util.Locale.ROOT).replace("http/1.1", "HTTP/1.1");
    }

    private static List<String> proxyAccessLines() {
        return CapturedLog.accessLines();
    }

    private static List<String> bridgeAccessLines() {
        return CapturedLog.lines().stream().filter(l -> l.startsWith("bridge.access ")).toList();
    }
}
