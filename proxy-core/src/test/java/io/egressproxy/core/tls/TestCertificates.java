package io.egressproxy.core.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds deliberately odd certificates (not a CA, expired, RSA) that the production code would
 * never issue, to test how user-supplied CAs are judged. Test-only; stateless.
 */
final class TestCertificates {
  private TestCertificates() {}

  static KeyPair rsaKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** A self-signed certificate; {@code basicConstraints} null leaves the extension out. */
  static X509Certificate selfSigned(
      KeyPair keys,
      String dn,
      Instant notBefore,
      Instant notAfter,
      BasicConstraints basicConstraints,
      KeyUsage keyUsage) {
    try {
      X500Name name = new X500Name(dn);
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              name,
              BigInteger.valueOf(System.nanoTime()),
              Date.from(notBefore),
              Date.from(notAfter),
              name,
              keys.getPublic());
      if (basicConstraints != null) {
        builder.addExtension(Extension.basicConstraints, true, basicConstraints);
      }
      if (keyUsage != null) {
        builder.addExtension(Extension.keyUsage, true, keyUsage);
      }
      String algorithm = CertificateSigner.signatureAlgorithm(keys.getPrivate());
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate())));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A valid CA certificate for {@code keys}, valid from an hour ago for a year. */
  static X509Certificate validCa(KeyPair keys, String dn) {
    Instant now = Instant.now();
    return selfSigned(
        keys,
        dn,
        now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(365)),
        new BasicConstraints(0),
        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
  }

  static Path write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.US_ASCII);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
