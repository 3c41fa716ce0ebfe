package io.egressproxy.core.bench;

import com.typesafe.config.ConfigFactory;
import io.egressproxy.core.EgressProxy;
import io.egressproxy.core.testing.OriginServer;
import io.egressproxy.core.testing.TestProxies;
import io.egressproxy.core.testing.TestTls;
import io.egressproxy.core.tls.CertificateAuthority;
import io.egressproxy.core.tls.LeafCertificates;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A benchmark, not a test (run by bench/interception.sh): leaf-certificate mint time, and the
 * request rate through an intercepted tunnel (TLS terminated, secret injected, re-encrypted)
 * against a blind tunnel to the same HTTPS origin, measured in one run on loopback. Prints
 * figures; asserts nothing.
 */
public final class InterceptionBenchmark {
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        mintTime();
        Path dir = Files.createTempDirectory("interception-bench");
        TestTls harness = new TestTls();
        try (OriginServer intercepted = new OriginServer(harness.serverContext("localhost"));
             OriginServer blind = new OriginServer(harness.serverContext("localhost"))) {
            Path harnessCa = harness.writeCaPem(dir.resolve("harness-ca.pem"));
            try (EgressProxy proxy = TestProxies.builder().set("egress-proxy.tls.ca-dir", dir.resolve("ca").toString())
                    .config(ConfigFactory.parseString("egress-proxy { policy.allow = [\"localhost\"],"
                            + " tls.upstream-trust = [\"" + harnessCa + "\"],"
                            + " credentials = [ { name = bench, hosts = [\"localhost:" + intercepted.port() + "\"],"
                            + " header = \"x-api-key\", secret = \"bench-secret-value\" } ] }")).start()) {
                java.util.logging.Logger.getLogger("jdk.internal.httpclient").setLevel(java.util.logging.Level.OFF);
                SSLContext trustBoth = trust(dir.resolve("ca/ca.pem"), harnessCa);
                double blindRate = rate(proxy, trustBoth, "https://localhost:" + blind.port() + "/hello", seconds, clients);
                double interceptedRate = rate(proxy, trustBoth, "https://localhost:" + intercepted.port() + "/hello", seconds, clients);
                System.out.printf("keep-alive HTTPS GET, %d clients, %d s each:%n", clients, seconds);
                System.out.printf("  blind tunnel        %8.0f req/s%n", blindRate);
                System.out.printf("  intercepted+inject  %8.0f req/s  (%.2fx of blind)%n", interceptedRate, interceptedRate / blindRate);
            }
        }
        System.exit(0);
    }

    private static void mintTime() throws Exception {
        CertificateAuthority ca = CertificateAuthority.createInMemory();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        LeafCertificates leaves = new LeafCertificates(ca, 100_000, Duration.ofDays(7), executor);
        for (int i = 0; i < 200; i++) {
            leaves.leafFor("warm" + i + ".example.com").get();
        }
        int n = 1000;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            leaves.leafFor("host" + i + ".example.com").get();
        }
        double micros = (System.nanoTime() - start) / 1000.0 / n;
        long cachedStart = System.nanoTime();
        for (int i = 0; i < n; i++) {
            leaves.leafFor("host" + i + ".example.com").get();
        }
        double cachedMicros = (System.nanoTime() - cachedStart) / 1000.0 / n;
        System.out.printf("leaf mint (EC P-256, new host): %.0f us each; cached: %.1f us%n", micros, cachedMicros);
        executor.shutdownNow();
    }

    private static double rate(EgressProxy proxy, SSLContext tls, String url, int seconds, int clients) throws Exception {
        HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(proxy.address())).sslContext(tls)
                .version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).build();
        for (int i = 0; i < 200; i++) {
            client.send(request, HttpResponse.BodyHandlers.discarding());
        }
        LongAdder done = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            workers.add(pool.submit(() -> {
                while (!stop.get()) {
                    HttpResponse<InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
                    r.body().readAllBytes();
                    done.increment();
                }
                return null;
            }));
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Future<?> f : workers) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdownNow();
        return done.sum() / ((System.nanoTime() - start) / 1e9);
    }

    private static SSLContext trust(Path... pems) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (Path pem : pems) {
            try (InputStream in = Files.newInputStream(pem)) {
                store.setCertificateEntry("ca" + i++, CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
