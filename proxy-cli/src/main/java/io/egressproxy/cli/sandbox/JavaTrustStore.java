package io.egressproxy.cli.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/**
 * The trust store a JVM in a sandbox is pointed at ({@code -Djavax.net.ssl.trustStore}): the public
 * CAs of the JDK running the launcher plus the proxy's CA. A JVM reads neither the system PEM
 * bundle nor {@code SSL_CERT_FILE}, and its own {@code cacerts} cannot be changed from outside
 * without a JVM in the image, so the launcher builds one on the host and mounts it read-only. It
 * holds only public certificates, hence the well-known password {@value #PASSWORD} (PKCS12 needs
 * one for its integrity check). Stateless.
 */
public final class JavaTrustStore {
    /** Not a secret: the store holds public certificates only; it is the JDK's own default. */
    public static final String PASSWORD = "changeit";
    static final String CA_ALIAS = "egress-proxy-ca";

    private JavaTrustStore() {
    }

    /**
     * Writes {@code out} (PKCS12) with the JDK's default trusted CAs and the CA in {@code caPem};
     * replaced atomically so that a sandbox starting at the same time never reads half a file.
     */
    public static Path write(Path caPem, Path out) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            KeyStore jdk = jdkDefault();
            for (String alias : java.util.Collections.list(jdk.aliases())) {
                if (jdk.isCertificateEntry(alias)) {
                    store.setCertificateEntry(alias, jdk.getCertificate(alias));
                }
            }
            try (InputStream in = Files.newInputStream(caPem)) {
                X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
                store.setCertificateEntry(CA_ALIAS, ca);
            }
            Files.createDirectories(out.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".truststore", ".tmp");
            try (OutputStream os = Files.newOutputStream(tmp)) {
                store.store(os, PASSWORD.toCharArray());
            }
            // containers run as any user: the file must be readable by all (it holds no secret)
            tmp.toFile().setReadable(true, false);
            return Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build the Java trust store " + out + " from " + caPem + ": " + e.getMessage(), e);
        }
    }

    /** The running JDK's cacerts (JKS or PKCS12, whichever it is; the standard password). */
    private static KeyStore jdkDefault() throws IOException, GeneralSecurityException {
        Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
        if (!Files.isRegularFile(cacerts)) {
            KeyStore empty = KeyStore.getInstance("PKCS12"); // a trimmed runtime: then the proxy's CA alone
            empty.load(null, null);
            return empty;
        }
        return KeyStore.getInstance(cacerts.toFile(), PASSWORD.toCharArray());
    }
}
