package io.egressproxy.core.inject;

import com.typesafe.config.ConfigFactory;
import io.egressproxy.core.EgressProxy;
import io.egressproxy.core.testing.CapturedLog;
import io.egressproxy.core.testing.Curl;
import io.egressproxy.core.testing.OriginServer;
import io.egressproxy.core.testing.RawClient;
import io.egressproxy.core.testing.TestProxies;
import io.egressproxy.core.testing.TestTls;
import io.egressproxy.core.tls.CertificateAuthority;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Credential injection through TLS interception, end to end: HTTPS origins on loopback with their
 * own test CA (trusted by the proxy through upstream-trust), clients that trust only the proxy's CA.
 */
@Timeout(90)
class CredentialInjectionTest {
    private static final String SECRET = "TEST-SECRET-A-5f1c9e0b7d";
    private static TestTls harness;
    private static OriginServer credentialOrigin;
    private static OriginServer plainTlsOrigin;
    private static EgressProxy proxy;
    @TempDir
    static Path dir;
    private static Path harnessCa;
    private static Path proxyCa;

    @BeforeAll
    static void start() throws Exception {
        harness = new TestTls();
        credentialOrigin = new OriginServer(harness.serverContext("localhost"));
        plainTlsOrigin = new OriginServer(harness.serverContext("localhost"));
        harnessCa = harness.writeCaPem(dir.resolve("harness-ca.pem"));
        proxy = TestProxies.builder().config(ConfigFactory.parseString(
                "egress-proxy { policy.allow = [\"localhost\"], tls.upstream-trust = [\"" + harnessCa + "\"],"
                        + " credentials = [ { name = test, hosts = [\"localhost:" + credentialOrigin.port() + "\"],"
                        + " header = \"x-api-key\", secret = \"" + SECRET + "\" } ] }")).start();
        proxyCa = TestProxies.caDir().resolve("ca.pem");
    }

    @AfterAll
    static void stop() {
        proxy.close();
        credentialOrigin.close();
        plainTlsOrigin.close();
    }

    @BeforeEach
    void clear() {
        CapturedLog.clear();
    }

    private String credentialUrl(String path) {
        return "https://localhost:" + credentialOrigin.port() + path;
    }

    private OriginServer.Seen lastSeen(OriginServer origin) {
        List<OriginServer.Seen> seen = origin.requests();
        return seen.get(seen.size() - 1);
    }

    @Test
    void curlGetsTheSecretAddedAndNeverSeesIt() throws Exception {
        Curl.Result result = Curl.run("-x", TestProxies.url(proxy), "--cacert", proxyCa.toString(),
                "-H", "x-api-key: sk-ant-fake-from-sandbox", "-H", "X-API-KEY: second-copy", credentialUrl("/echo"));
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(lastSeen(credentialOrigin).header("x-api-key")).containsExactly(SECRET);
        assertThat(result.out()).doesNotContain(SECRET).contains("x-api-key: egress-proxy-managed")
                .doesNotContain("sk-ant-fake-from-sandbox", "second-copy");
    }

    @Test
    void jdkClientTrustingOnlyTheProxyCaWorks() throws Exception {
        HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(proxy.address()))
                .sslContext(trustOnly(proxyCa)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(credentialUrl("/echo")))
                .header("x-api-key", "egress-proxy-managed").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain(SECRET);
        assertThat(response.headers().map().toString()).doesNotContain(SECRET);
        assertThat(lastSeen(credentialOrigin).header("x-api-key")).containsExactly(SECRET);
    }

    @Test
    void aHostWithoutARuleIsABlindTunnelShowingTheOriginsOwnCertificate() throws Exception {
        String url = "https://localhost:" + plainTlsOrigin.port() + "/echo";
        Curl.Result viaHarnessCa = Curl.run("-x", TestProxies.url(proxy), "--cacert", harnessCa.toString(), url);
        assertThat(viaHarnessCa.exitCode()).as(viaHarnessCa.err()).isZero();
        assertThat(lastSeen(plainTlsOrigin).header("x-api-key")).isEmpty();
        Curl.Result viaProxyCa = Curl.run("-x", TestProxies.url(proxy), "--cacert", proxyCa.toString(), url);
        assertThat(viaProxyCa.exitCode()).as("not intercepted, so the proxy CA does not verify it").isEqualTo(60);
    }

    @Test
    void streamedResponsesPassThroughIncrementally() throws Exception {
        HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(proxy.address())).sslContext(trustOnly(proxyCa)).build();
        long start = System.nanoTime();
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(credentialUrl("/sse?events=5&pauseMs=400"))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            byte[] first = new byte[10];
            int r = in.read(first);
            long firstAt = System.nanoTime() - start;
            assertThat(r).isPositive();
            assertThat(firstAt).as("first event long before the last (1.6 s later)").isLessThan(1_200_000_000L);
            String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(rest).contains("[DONE]");
        }
    }

    @Test
    void sniNamingAnotherHostIsRefused() throws Exception {
        try (Socket tcp = new Socket("127.0.0.1", proxy.address().getPort())) {
            tcp.getOutputStream().write(("CONNECT localhost:" + credentialOrigin.port() + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String head = io.egressproxy.core.tunnel.ConnectTunnelTestAccess.readHead(tcp.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 200");
            SSLSocket tls = (SSLSocket) trustOnly(proxyCa).getSocketFactory().createSocket(tcp, "evil.example.net", 443, false);
            SSLParameters params = tls.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName("evil.example.net")));
            tls.setSSLParameters(params);
            assertThatThrownBy(tls::startHandshake).isInstanceOf(java.io.IOException.class);
        }
        assertThat(String.join("\n", CapturedLog.lines())).contains("SNI 'evil.example.net' does not match the CONNECT host");
    }

    @Test
    void anInnerRequestForAnotherHostIs421() throws Exception {
        Curl.Result result = Curl.run("-x", TestProxies.url(proxy), "--cacert", proxyCa.toString(),
                "-H", "Host: evil.example.net", "-w", " %{http_code}", credentialUrl("/echo"));
        assertThat(result.out()).endsWith(" 421").contains("open a tunnel to that host");
        assertThat(result.out()).doesNotContain(SECRET);
    }

    @Test
    void anUntrustedUpstreamGets502WithTheReason() throws Exception {
        try (EgressProxy strict = TestProxies.builder().config(ConfigFactory.parseString(
                "egress-proxy { policy.allow = [\"localhost\"], tls.intercept = all }")).start()) {
            Curl.Result result = Curl.run("-x", TestProxies.url(strict), "--cacert", proxyCa.toString(),
                    "-w", " %{http_code}", credentialUrl("/echo"));
            assertThat(result.out()).endsWith(" 502").contains("TLS with upstream", "certificate");
        }
    }

    @Test
    void plainHttpToACredentialHostIsRefusedAndTheSecretNeverTravelsInClearText() throws Exception {
        RawClient.Reply reply = RawClient.exchange(proxy.address(), "GET http://localhost:" + credentialOrigin.port()
                + "/echo HTTP/1.1\r\nHost: localhost:" + credentialOrigin.port() + "\r\nConnection: close\r\n\r\n", 2000, 5000);
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.header("X-Egress-Proxy-Reason")).contains("over plain HTTP", "use https://");
    }

    @Test
    void aRuleWhoseSecretIsUnsetFailsClosedWith503() throws Exception {
        try (EgressProxy missing = TestProxies.builder().config(ConfigFactory.parseString(
                "egress-proxy { policy.allow = [\"localhost\"], tls.upstream-trust = [\"" + harnessCa + "\"],"
                        + " credentials = [ { name = absent,"
                        + " hosts = [\"localhost\"], header = \"x-api-key\", env = \"EGRESS_PROXY_TEST_UNSET_VARIABLE\" } ] }")).start()) {
            Curl.Result result = Curl.run("-x", TestProxies.url(missing), "--cacert", proxyCa.toString(), "-w", " %{http_code}",
                    credentialUrl("/echo"));
            assertThat(result.out()).endsWith(" 503").contains("credential rule 'absent'");
        }
        assertThat(String.join("\n", CapturedLog.lines())).contains("credential rule 'absent' has no secret",
                "EGRESS_PROXY_TEST_UNSET_VARIABLE");
    }

    @Test
    void theSecretNeverAppearsInAnyLogLine() throws Exception {
        Curl.run("-x", TestProxies.url(proxy), "--cacert", proxyCa.toString(), credentialUrl("/echo"));
        Curl.run("-x", TestProxies.url(proxy), "--cacert", proxyCa.toString(), "-H", "Host: other", credentialUrl("/echo"));
        assertThat(CapturedLog.lines()).isNotEmpty().noneMatch(line -> line.contains(SECRET));
    }

    @Test
    void theCaIsReusedAcrossRestartsAndItsKeyIsOwnerOnly() throws Exception {
        Path caDir = dir.resolve("restart-ca");
        try (EgressProxy first = TestProxies.builder().set("egress-proxy.tls.ca-dir", caDir.toString()).start()) {
            assertThat(caDir.resolve("ca.pem")).exists();
        }
        String before = CertificateAuthority.loadOrCreate(caDir).sha256Fingerprint();
        try (EgressProxy again = TestProxies.builder().set("egress-proxy.tls.ca-dir", caDir.toString()).start()) {
            assertThat(CertificateAuthority.loadOrCreate(caDir).sha256Fingerprint()).isEqualTo(before);
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(caDir.resolve("ca-key.pem"))))
                .isEqualTo("rw-------");
    }

    @Test
    void allowPlainHttpRulesInjectOverPlainHttpAndFileSecretsAreTrimmed() throws Exception {
        try (OriginServer plainOrigin = new OriginServer()) {
            Path secretFile = Files.writeString(dir.resolve("local-secret"), "LOCAL-SECRET-9\n");
            try (EgressProxy local = TestProxies.builder().config(ConfigFactory.parseString(
                    "egress-proxy { policy.allow = [\"127.0.0.1:" + plainOrigin.port() + "\"], credentials = [ { name = local,"
                            + " hosts = [\"127.0.0.1:" + plainOrigin.port() + "\"], headers { Authorization = \"Bearer {secret}\" },"
                            + " value-file = \"" + secretFile + "\", allow-plain-http = true } ] }")).start()) {
                Curl.Result result = Curl.run("-x", TestProxies.url(local), "-H", "authorization: Bearer placeholder",
                        "http://127.0.0.1:" + plainOrigin.port() + "/echo");
                assertThat(lastSeen(plainOrigin).header("authorization")).containsExactly("Bearer LOCAL-SECRET-9");
                assertThat(result.out()).contains("authorization: Bearer egress-proxy-managed").doesNotContain("LOCAL-SECRET-9");
            }
        }
    }

    @Test
    void bypassEntriesAreNeverIntercepted() throws Exception {
        try (EgressProxy bypassing = TestProxies.builder().config(ConfigFactory.parseString(
                "egress-proxy { policy.bypass = [\"localhost:" + credentialOrigin.port() + "\"], tls.intercept = all,"
                        + " credentials = [ { name = test, hosts = [\"localhost:" + credentialOrigin.port() + "\"],"
                        + " header = \"x-api-key\", secret = \"" + SECRET + "\" } ] }")).start()) {
            Curl.Result viaHarnessCa = Curl.run("-x", TestProxies.url(bypassing), "--cacert", harnessCa.toString(),
                    credentialUrl("/echo"));
            assertThat(viaHarnessCa.exitCode()).as("the origin's own certificate: not intercepted").isZero();
            assertThat(lastSeen(credentialOrigin).header("x-api-key")).isEmpty();
        }
    }

    @Test
    void aCompressedEchoIsDecompressedAndRedacted() throws Exception {
        Curl.Result result = Curl.run("-x", TestProxies.url(proxy), "--cacert", proxyCa.toString(), "--compressed",
                credentialUrl("/gzip-echo"));
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(lastSeen(credentialOrigin).header("x-api-key")).containsExactly(SECRET);
        assertThat(result.out()).contains("x-api-key: egress-proxy-managed").doesNotContain(SECRET);
    }

    @Test
    void secretsInTrailersReasonPhrasesHeaderNamesAndInformationalResponsesAreRemoved() throws Exception {
        String response = "HTTP/1.1 103 Early Hints\r\nLink: </" + SECRET + ">\r\n\r\n"
                + "HTTP/1.1 401 Bad key " + SECRET + "\r\nX-" + SECRET + ": 1\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n"
                + "4\r\nbody\r\n0\r\nX-T: " + SECRET + "\r\n\r\n";
        javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket) harness.serverContext("localhost")
                .getServerSocketFactory().createServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress());
        Thread responder = new Thread(() -> {
            try (Socket s = server.accept()) {
                java.io.InputStream in = s.getInputStream();
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    head.append((char) in.read());
                }
                s.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                Thread.sleep(500);
            } catch (Exception ignored) {
                // the assertions below tell
            }
        });
        responder.start();
        try (EgressProxy raw = TestProxies.builder().config(ConfigFactory.parseString(
                "egress-proxy { policy.allow = [\"localhost\"], tls.upstream-trust = [\"" + harnessCa + "\"],"
                        + " credentials = [ { name = raw, hosts = [\"localhost:" + server.getLocalPort() + "\"],"
                        + " header = \"x-api-key\", secret = \"" + SECRET + "\" } ] }")).start()) {
            Curl.Result result = Curl.run("-x", TestProxies.url(raw), "--cacert", proxyCa.toString(), "-i", "--raw",
                    "https://localhost:" + server.getLocalPort() + "/");
            assertThat(result.out()).contains("body").doesNotContain(SECRET).contains("401 Unauthorized");
        } finally {
            responder.join(5000);
            server.close();
        }
    }

    static SSLContext trustOnly(Path pem) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
