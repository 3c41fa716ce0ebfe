package io.egressproxy.core.testing;

import io.egressproxy.core.tls.CertificateAuthority;
import io.egressproxy.core.tls.LeafCertificate;
import io.egressproxy.core.tls.LeafCertificates;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made in the test: a "harness" CA (standing in for a public CA the proxy's upstream
 * trust store would hold) and server contexts signed by it for HTTPS origins on loopback.
 */
public final class TestTls {
    private final CertificateAuthority ca = CertificateAuthority.createInMemory();
    private final LeafCertificates leaves = new LeafCertificates(ca, 16, Duration.ofDays(2), ForkJoinPool.commonPool());

    /** An SSLContext for a server named {@code host} (a DNS name or IP literal), signed by this CA. */
    public SSLContext serverContext(String host) throws Exception {
        LeafCertificate leaf = leaves.leafFor(host).get(30, TimeUnit.SECONDS);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "test".toCharArray();
        store.setKeyEntry("server", leaf.key(), password, leaf.chain());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    /** Writes the CA certificate as PEM to {@code file} (for curl --cacert or upstream-trust). */
    public Path writeCaPem(Path file) throws Exception {
        Files.writeString(file, ca.certificatePem(), StandardCharsets.US_ASCII);
        return file;
    }

    /**
     * Writes a certificate for {@code host} (with its chain) and its PKCS#8 key as PEM files, for
     * servers outside the JVM such as {@code openssl s_server}.
     */
    public void writeServerPem(String host, Path certFile, Path keyFile) throws Exception {
        LeafCertificate leaf = leaves.leafFor(host).get(30, TimeUnit.SECONDS);
        StringBuilder chain = new StringBuilder();
        for (java.security.cert.X509Certificate cert : leaf.chain()) {
            chain.append(pem("CERTIFICATE", cert.getEncoded()));
        }
        Files.writeString(certFile, chain, StandardCharsets.US_ASCII);
        Files.writeString(keyFile, pem("PRIVATE KEY", leaf.key().getEncoded()), StandardCharsets.US_ASCII);
    }

    private static String pem(String type, byte[] der) {
        String body = java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    public CertificateAuthority ca() {
        return ca;
    }
}
