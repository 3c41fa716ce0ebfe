package io.egressproxy.core.http;

import io.egressproxy.core.EgressProxy;
import io.egressproxy.core.testing.CapturedLog;
import io.egressproxy.core.testing.Curl;
import io.egressproxy.core.testing.OriginServer;
import io.egressproxy.core.testing.RawClient;
import io.egressproxy.core.testing.TestProxies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Plain HTTP forwarding through a real proxy to a real origin, with curl and the JDK HttpClient. */
@Timeout(120)
class ForwardingTest {
    private static OriginServer origin;
    private static EgressProxy proxy;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        origin = new OriginServer();
        proxy = TestProxies.builder().allow(origin.authority()).start();
        client = HttpClient.newBuilder().proxy(ProxySelector.of(proxy.address())).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        origin.close();
    }

    @BeforeEach
    void clearLog() {
        CapturedLog.clear();
    }

    private String url(String path) {
        return "http://" + origin.authority() + path;
    }

    @Test
    void curlGetsTheOriginsBodyThroughTheProxy() throws Exception {
        Curl.Result result = Curl.run("-x", TestProxies.url(proxy), url("/hello"));
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("hello from origin\n");
    }

    @Test
    void jdkClientGetAndPostWork() throws Exception {
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create(url("/echo"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).startsWith("GET /echo");
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(url("/sink")))
                .POST(HttpRequest.BodyPublishers.ofString("abc")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body()).startsWith("3 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void tenMegabyteChunkedUploadArrivesByteForByte() throws Exception {
        Path file = Files.createTempFile("upload", ".bin");
        try {
            byte[] data = new byte[10 * 1024 * 1024];
            for (int i = 0; i < data.length; i++) {
                data[i] = OriginServer.pattern(i);
            }
            Files.write(file, data);
            String expected = data.length + " " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
            Curl.Result result = Curl.run("-x", TestProxies.url(proxy), "-H", "Transfer-Encoding: chunked",
                    "--data-binary", "@" + file, url("/sink"));
            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.out().trim()).isEqualTo(expected);
            OriginServer.Seen seen = origin.requests().get(origin.requests().size() - 1);
            assertThat(seen.header("transfer-encoding")).containsExactly("chunked");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void downloadsStreamIntactWithContentLengthAndChunked() throws Exception {
        for (String query : new String[] {"n=5000000", "n=5000000&chunked=1"}) {
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(url("/bytes?" + query))).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
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
            assertThat(i).as(query).isEqualTo(5_000_000L);
        }
    }

    @Test
    void oneClientConnectionCarriesManyRequestsAndReusesTheUpstream() throws Exception {
        int before = origin.requests().size();
        StringBuilder requests = new StringBuilder();
        int n = 20;
        for (int i = 0; i < n; i++) {
            requests.append("GET ").append(url("/r" + i)).append(" HTTP/1.1\r\nHost: ").append(origin.authority()).append("\r\n\r\n");
        }
        // All requests in one write: they must be answered in order, one at a time.
        RawClient.Reply reply = RawClient.exchange(proxy.address(), requests.toString(), 1500, 10_000);
        assertThat(reply.count("HTTP/1.1 200")).isEqualTo(n);
        assertThat(reply.closed()).isFalse();
        var seen = origin.requests().subList(before, origin.requests().size());
        assertThat(seen).extracting(OriginServer.Seen::path).containsExactly(
                java.util.stream.IntStream.range(0, n).mapToObj(i -> "/r" + i).toArray(String[]::new));
        Set<Integer> upstreamPorts = seen.stream().map(OriginServer.Seen::remotePort).collect(Collectors.toSet());
        assertThat(upstreamPorts).as("upstream connections used").hasSize(1);
        Set<String> ids = CapturedLog.accessLines().stream().map(l -> l.substring(0, l.indexOf(' '))).collect(Collectors.toSet());
        assertThat(ids).as("one client connection id in the access log").hasSize(1);
    }

    @Test
    void hopByHopHeadersAndProxyAuthorizationAreNotForwarded() throws Exception {
        String request = "GET " + url("/echo") + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n"
                + "Proxy-Authorization: Basic dXNlcjpwYXNz\r\nProxy-Connection: keep-alive\r\n"
                + "Connection: keep-alive, X-Trace-Secret\r\nX-Trace-Secret: s1\r\nKeep-Alive: timeout=5\r\n"
                + "TE: trailers\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\nX-Kept: yes\r\n\r\n";
        RawClient.Reply reply = RawClient.exchange(proxy.address(), request, 1000, 5000);
        assertThat(reply.status()).isEqualTo(200);
        String body = reply.text().substring(reply.text().indexOf("\r\n\r\n") + 4).toLowerCase();
        assertThat(body).contains("x-kept: yes").contains("host: " + origin.authority());
        for (String gone : new String[] {"proxy-authorization", "proxy-connection", "x-trace-secret", "keep-alive:",
                "\nte:", "upgrade", "http2-settings"}) {
            assertThat(body).as(gone).doesNotContain(gone);
        }
    }

    @Test
    void accessLogHasOneLinePerRequestWithTheFields() throws Exception {
        Curl.Result result = Curl.run("-x", TestProxies.url(proxy), url("/hello?token=abc"));
        assertThat(result.exitCode()).isZero();
        assertThat(CapturedLog.accessLines()).hasSize(1);
        String line = CapturedLog.accessLines().get(0);
        assertThat(line).contains("client=127.0.0.1:", "GET http://" + origin.authority() + "/hello ",
                "decision=allow", "status=200", "down=18", "close=").doesNotContain("token=abc");
        assertThat(line).containsPattern("up=0 down=18 ms=\\d+");
    }

    @Test
    void headResponseHasNoBodyAndTheConnectionStaysUsable() throws Exception {
        String request = "HEAD " + url("/bytes?n=1000") + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n"
                + "GET " + url("/hello") + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n";
        RawClient.Reply reply = RawClient.exchange(proxy.address(), request, 1000, 5000);
        assertThat(reply.count("HTTP/1.1 200")).isEqualTo(2);
        assertThat(reply.text()).endsWith("\r\n\r\nhello from origin\n");
        assertThat(reply.text()).doesNotContain(new String(new byte[] {OriginServer.pattern(0), OriginServer.pattern(1)},
                StandardCharsets.ISO_8859_1));
    }

    static InetSocketAddress address(EgressProxy p) {
        return p.address();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
