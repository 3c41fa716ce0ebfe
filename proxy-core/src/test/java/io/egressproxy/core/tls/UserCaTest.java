package io.egressproxy.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link CertificateAuthority#load}: a user-supplied CA is accepted only if it can do the job. */
@Timeout(60)
class UserCaTest {
  @TempDir Path tmp;

  private final KeyPair keys = CertificateSigner.newEcKeyPair();

  @Test
  void loadsAValidUserCa() {
    X509Certificate cert = TestCertificates.validCa(keys, "CN=Corp Proxy CA, O=Corp");
    Path certPem = TestCertificates.write(tmp.resolve("corp.pem"), Pem.toPem(cert));
    Path keyPem = TestCertificates.write(tmp.resolve("corp-key.pem"), Pem.toPem(keys.getPrivate()));

    CertificateAuthority ca = CertificateAuthority.load(certPem, keyPem);

    assertThat(ca.certificate()).isEqualTo(cert);
    assertThat(ca.certificatePath()).isEqualTo(certPem);
  }

  @Test
  void rsaUserCaSignsLeavesWithRsa() throws Exception {
    KeyPair rsa = TestCertificates.rsaKeys();
    X509Certificate cert = TestCertificates.validCa(rsa, "CN=Corp RSA CA");
    CertificateAuthority ca =
        CertificateAuthority.load(
            TestCertificates.write(tmp.resolve("rsa.pem"), Pem.toPem(cert)),
            TestCertificates.write(tmp.resolve("rsa-key.pem"), Pem.toPem(rsa.getPrivate())));

    CompletableFuture<LeafCertificate> leaf =
        new LeafCertificates(ca, 4, Duration.ofDays(7), Runnable::run).leafFor("api.example.com");

    X509Certificate minted = leaf.get(10, TimeUnit.SECONDS).certificate();
    assertThat(minted.getSigAlgName()).isEqualTo("SHA256withRSA");
    minted.verify(cert.getPublicKey());
  }

  @Test
  void certificateWithoutBasicConstraintsIsNotACa() {
    X509Certificate cert =
        TestCertificates.selfSigned(
            keys,
            "CN=server",
            Instant.now().minusSeconds(60),
            Instant.now().plusSeconds(86400),
            null,
            null);
    Path certPem = TestCertificates.write(tmp.resolve("server.pem"), Pem.toPem(cert));
    Path keyPem =
        TestCertificates.write(tmp.resolve("server-key.pem"), Pem.toPem(keys.getPrivate()));

    assertThatThrownBy(() -> CertificateAuthority.load(certPem, keyPem))
        .isInstanceOf(TlsSetupException.class)
        .hasMessageStartingWith(
            "CA certificate "
                + certPem
                + " is not a CA (basicConstraints missing);"
                + " use a certificate made for signing");
  }

  @Test
  void certificateWithCaFalseIsNotACa() {
    X509Certificate cert =
        TestCertificates.selfSigned(
            keys,
            "CN=server",
            Instant.now().minusSeconds(60),
            Instant.now().plusSeconds(86400),
            new BasicConstraints(false),
            null);
    Path certPem = TestCertificates.write(tmp.resolve("server.pem"), Pem.toPem(cert));
    Path keyPem =
        TestCertificates.write(tmp.resolve("server-key.pem"), Pem.toPem(keys.getPrivate()));

    assertThatThrownBy(() -> CertificateAuthority.load(certPem, keyPem))
        .hasMessageStartingWith(
            "CA certificate " + certPem + " is not a CA (basicConstraints CA:false)");
  }

  @Test
  void caWhoseKeyUsageForbidsCertificateSigningIsRejected() {
    X509Certificate cert =
        TestCertificates.selfSigned(
            keys,
            "CN=odd CA",
            Instant.now().minusSeconds(60),
            Instant.now().plusSeconds(86400),
            new BasicConstraints(0),
            new KeyUsage(KeyUsage.digitalSignature));
    Path certPem = TestCertificates.write(tmp.resolve("odd.pem"), Pem.toPem(cert));
    Path keyPem = TestCertificates.write(tmp.resolve("odd-key.pem"), Pem.toPem(keys.getPrivate()));

    assertThatThrownBy(() -> CertificateAuthority.load(certPem, keyPem))
        .hasMessage(
            "CA certificate "
                + certPem
                + " may not sign certificates (keyUsage lacks keyCertSign);"
                + " use a certificate made for signing");
  }

  @Test
  void expiredCaIsRejectedWithItsExpiryDate() {
    Instant expired = Instant.parse("2020-01-01T00:00:00Z");
    X509Certificate cert =
        TestCertificates.selfSigned(
            keys,
            "CN=old CA",
            expired.minus(Duration.ofDays(365)),
            expired,
            new BasicConstraints(0),
            new KeyUsage(KeyUsage.keyCertSign));
    Path certPem = TestCertificates.write(tmp.resolve("old.pem"), Pem.toPem(cert));
    Path keyPem = TestCertificates.write(tmp.resolve("old-key.pem"), Pem.toPem(keys.getPrivate()));

    assertThatThrownBy(() -> CertificateAuthority.load(certPem, keyPem))
        .hasMessage(
            "CA certificate "
                + certPem
                + " expired on 2020-01-01T00:00:00Z;"
                + " replace it (and its key) with a current CA");
  }

  @Test
  void keyOfAnotherCaIsAMismatch() {
    X509Certificate cert = TestCertificates.validCa(keys, "CN=CA one");
    Path certPem = TestCertificates.write(tmp.resolve("one.pem"), Pem.toPem(cert));
    Path otherKey =
        TestCertificates.write(
            tmp.resolve("two-key.pem"), Pem.toPem(CertificateSigner.newEcKeyPair().getPrivate()));

    assertThatThrownBy(() -> CertificateAuthority.load(certPem, otherKey))
        .hasMessage(
            "CA private key "
                + otherKey
                + " does not match CA certificate "
                + certPem
                + "; supply the key the certificate was issued for");
  }

  @Test
  void keyOfAnotherTypeIsAMismatch() {
    X509Certificate cert = TestCertificates.validCa(keys, "CN=CA one");
    Path certPem = TestCertificates.write(tmp.resolve("one.pem"), Pem.toPem(cert));
    Path rsaKey =
        TestCertificates.write(
            tmp.resolve("rsa-key.pem"), Pem.toPem(TestCertificates.rsaKeys().getPrivate()));

    assertThatThrownBy(() -> CertificateAuthority.load(certPem, rsaKey))
        .hasMessageStartingWith(
            "CA private key " + rsaKey + " does not match CA certificate " + certPem);
  }

  @Test
  void corruptedCertificateNamesTheFile() {
    Path certPem =
        TestCertificates.write(
            tmp.resolve("broken.pem"),
            "-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
    Path keyPem = TestCertificates.write(tmp.resolve("key.pem"), Pem.toPem(keys.getPrivate()));

    assertThatThrownBy(() -> CertificateAuthority.load(certPem, keyPem))
        .isInstanceOf(TlsSetupException.class)
        .hasMessageStartingWith("CA certificate " + certPem + " could not be read (")
        .hasMessageEndingWith("expected PEM text with '-----BEGIN CERTIFICATE-----'");
  }

  @Test
  void certificateFileWithoutPemIsReported() throws Exception {
    Path der = tmp.resolve("ca.der");
    Files.write(der, TestCertificates.validCa(keys, "CN=der CA").getEncoded());
    Path keyPem = TestCertificates.write(tmp.resolve("key.pem"), Pem.toPem(keys.getPrivate()));

    assertThatThrownBy(() -> CertificateAuthority.load(der, keyPem))
        .hasMessageStartingWith("CA certificate " + der + " contains no PEM certificate;");
  }

  @Test
  void corruptedKeyNamesTheFileWithoutQuotingIt() {
    X509Certificate cert = TestCertificates.validCa(keys, "CN=CA one");
    Path certPem = TestCertificates.write(tmp.resolve("one.pem"), Pem.toPem(cert));
    String keyPem = Pem.toPem(keys.getPrivate());
    String body = keyPem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    // Cut the DER in half: still valid base64, no longer a valid key structure.
    String truncated =
        "-----BEGIN PRIVATE KEY-----\n" + body.substring(0, 32) + "\n-----END PRIVATE KEY-----\n";
    Path keyFile = TestCertificates.write(tmp.resolve("one-key.pem"), truncated);

    assertThatThrownBy(() -> CertificateAuthority.load(certPem, keyFile))
        .isInstanceOf(TlsSetupException.class)
        .hasMessageStartingWith("CA private key " + keyFile + " ")
        .hasMessageNotContaining(body.substring(0, 32));
  }

  @Test
  void encryptedKeyIsRejectedWithAHint() throws Exception {
    X509Certificate cert = TestCertificates.validCa(keys, "CN=CA one");
    Path certPem = TestCertificates.write(tmp.resolve("one.pem"), Pem.toPem(cert));
    Path keyFile = tmp.resolve("one-key.pem");
    try (JcaPEMWriter writer = new JcaPEMWriter(Files.newBufferedWriter(keyFile))) {
      writer.writeObject(
          new JcaPKCS8Generator(
              keys.getPrivate(),
              new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                  .setProvider(new BouncyCastleProvider()) // the JDK names AES-CBC differently
                  .setPassword("secret".toCharArray())
                  .build()));
    }

    assertThatThrownBy(() -> CertificateAuthority.load(certPem, keyFile))
        .hasMessageStartingWith(
            "CA private key " + keyFile + " is encrypted; supply an unencrypted key");
  }

  @Test
  void missingFileIsNamed() {
    Path missing = tmp.resolve("nope.pem");

    assertThatThrownBy(() -> CertificateAuthority.load(missing, missing))
        .hasMessage("CA certificate " + missing + " does not exist");
  }
}
