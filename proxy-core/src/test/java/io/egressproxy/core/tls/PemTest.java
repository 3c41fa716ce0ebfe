package io.egressproxy.core.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class PemTest {
  @TempDir Path tmp;

  @Test
  void readsEveryCertificateInABundleInOrder() {
    X509Certificate first = CertificateAuthority.createInMemory().certificate();
    X509Certificate second = CertificateAuthority.createInMemory().certificate();
    Path bundle =
        TestCertificates.write(
            tmp.resolve("bundle.pem"),
            "# comment lines between blocks are allowed\n" + Pem.toPem(first) + Pem.toPem(second));

    assertThat(Pem.readCertificates(bundle, "bundle")).containsExactly(first, second);
  }

  @Test
  void roundTripsPkcs8Keys() {
    KeyPair keys = CertificateSigner.newEcKeyPair();
    String pem = Pem.toPem(keys.getPrivate());
    Path file = TestCertificates.write(tmp.resolve("key.pem"), pem);

    PrivateKey read = Pem.readPrivateKey(file, "key");

    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(read.getAlgorithm()).isEqualTo("EC");
    assertThat(read.getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
  }

  @Test
  void readsTraditionalOpenSslKeys() throws Exception {
    KeyPair rsa = TestCertificates.rsaKeys();
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(rsa.getPrivate()); // BEGIN RSA PRIVATE KEY (PKCS#1)
    }
    Path file = TestCertificates.write(tmp.resolve("rsa.pem"), out.toString());

    PrivateKey read = Pem.readPrivateKey(file, "key");

    assertThat(out.toString()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(read.getAlgorithm()).isEqualTo("RSA");
    assertThat(read.getEncoded()).isEqualTo(rsa.getPrivate().getEncoded());
  }
}
