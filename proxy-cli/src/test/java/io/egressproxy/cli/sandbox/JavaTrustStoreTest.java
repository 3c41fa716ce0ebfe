package io.egressproxy.cli.sandbox;

import io.egressproxy.core.testing.OriginServer;
import io.egressproxy.core.testing.TestTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyStore;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java trust store the launcher mounts into sandboxes: a JVM configured with it (as
 * {@code JAVA_TOOL_OPTIONS} does) completes a real TLS handshake with a server whose certificate
 * the proxy's CA signed, and still trusts the public CAs of the JDK.
 */
@Timeout(30)
class JavaTrustStoreTest {
    @TempDir
    Path dir;

    @Test
    void aJvmUsingTheStoreTrustsTheProxyCaAndTheJdkDefaults() throws Exception {
        TestTls proxyCa = new TestTls(); // stands in for the proxy's CA, which signs the leaves it mints
        Path store = JavaTrustStore.write(proxyCa.writeCaPem(dir.resolve("ca.pem")), dir.resolve("state/truststore.p12"));

        KeyStore loaded = KeyStore.getInstance(store.toFile(), JavaTrustStore.PASSWORD.toCharArray());
        assertThat(loaded.getType()).isEqualToIgnoringCase("PKCS12");
        assertThat(loaded.isCertificateEntry(JavaTrustStore.CA_ALIAS)).isTrue();
        assertThat(loaded.size()).as("the JDK's public CAs are kept").isGreaterThan(10);
        assertThat(Files.getPosixFilePermissions(store)).as("any container user can read it")
                .contains(PosixFilePermission.OTHERS_READ);

        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(loaded);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        try (OriginServer origin = new OriginServer(proxyCa.serverContext("localhost"))) {
            HttpClient http = HttpClient.newBuilder().sslContext(client).connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + origin.port() + "/"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void writingAgainReplacesTheStore() throws Exception {
        Path out = dir.resolve("truststore.p12");
        JavaTrustStore.write(new TestTls().writeCaPem(dir.resolve("a.pem")), out);
        TestTls second = new TestTls();
        JavaTrustStore.write(second.writeCaPem(dir.resolve("b.pem")), out);
        KeyStore loaded = KeyStore.getInstance(out.toFile(), JavaTrustStore.PASSWORD.toCharArray());
        assertThat(loaded.getCertificate(JavaTrustStore.CA_ALIAS)).isEqualTo(second.ca().certificate());
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp"))).as("no temp file is left").isEmpty();
        }
    }
}
