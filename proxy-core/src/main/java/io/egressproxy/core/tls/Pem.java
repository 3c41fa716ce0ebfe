package io.egressproxy.core.tls;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads and writes PEM certificates and private keys. Keys are written as unencrypted PKCS#8
 * ({@code BEGIN PRIVATE KEY}); PKCS#8, SEC1 ({@code BEGIN EC PRIVATE KEY}) and PKCS#1 ({@code BEGIN
 * RSA PRIVATE KEY}) are read. Keys become JDK key objects (not BouncyCastle ones), so the JDK and
 * OpenSSL TLS providers both accept them.
 *
 * <p>Stateless; reading does blocking file I/O, so never call it on an event loop. Every failure is
 * a {@link TlsSetupException} that names the file by its {@code role} (for example "CA
 * certificate") and never quotes the file's content.
 */
final class Pem {
  private Pem() {}

  /** All certificates in {@code file}, in file order; other PEM blocks are skipped. */
  static List<X509Certificate> readCertificates(Path file, String role) {
    List<X509Certificate> certs = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(open(file, role))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof X509CertificateHolder) {
          certs.add(converter.getCertificate((X509CertificateHolder) o));
        }
      }
    } catch (IOException | CertificateException e) {
      throw new TlsSetupException(
          String.format(
              "%s %s could not be read (%s); expected PEM text with '-----BEGIN CERTIFICATE-----'",
              role, file, e.getMessage()),
          e);
    }
    if (certs.isEmpty()) {
      throw new TlsSetupException(
          String.format(
              "%s %s contains no PEM certificate; expected '-----BEGIN CERTIFICATE-----'"
                  + " (convert DER with 'openssl x509 -inform der -in FILE -out FILE.pem')",
              role, file));
    }
    return certs;
  }

  /** The first private key in {@code file}. */
  static PrivateKey readPrivateKey(Path file, String role) {
    try (PEMParser parser = new PEMParser(open(file, role))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof PrivateKeyInfo) {
          return toJdkKey((PrivateKeyInfo) o, file, role);
        }
        if (o instanceof PEMKeyPair) {
          return toJdkKey(((PEMKeyPair) o).getPrivateKeyInfo(), file, role);
        }
        if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
          throw new TlsSetupException(
              String.format(
                  "%s %s is encrypted; supply an unencrypted key (for example 'openssl pkcs8"
                      + " -topk8 -nocrypt -in KEY -out %s') and protect it with file permissions",
                  role, file, file.getFileName()));
        }
      }
    } catch (IOException e) {
      // BouncyCastle's parse messages describe the structure, never the key bytes.
      throw new TlsSetupException(
          String.format(
              "%s %s could not be read (%s); expected PEM text with '-----BEGIN PRIVATE KEY-----'",
              role, file, e.getMessage()),
          e);
    }
    throw new TlsSetupException(
        String.format(
            "%s %s contains no PEM private key; expected '-----BEGIN PRIVATE KEY-----'",
            role, file));
  }

  static String toPem(X509Certificate certificate) {
    return write(certificate);
  }

  /** Unencrypted PKCS#8. */
  static String toPem(PrivateKey key) {
    try {
      return write(new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new TlsSetupException("private key could not be encoded as PKCS#8", e);
    }
  }

  private static String write(Object pemObject) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(pemObject);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  private static Reader open(Path file, String role) {
    try {
      // ISO-8859-1 maps every byte, so a binary (DER) file reads as "no PEM block", not as a
      // charset error.
      return new InputStreamReader(Files.newInputStream(file), StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new TlsSetupException(String.format("%s %s does not exist", role, file), e);
    } catch (IOException e) {
      throw new TlsSetupException(String.format("%s %s cannot be opened (%s)", role, file, e), e);
    }
  }

  private static PrivateKey toJdkKey(PrivateKeyInfo info, Path file, String role) {
    ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
    String algorithm;
    if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
      algorithm = "EC";
    } else if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
      algorithm = "RSA";
    } else {
      throw new TlsSetupException(
          String.format(
              "%s %s uses unsupported key algorithm %s; use an EC (P-256/P-384) or RSA key",
              role, file, oid.getId()));
    }
    try {
      return KeyFactory.getInstance(algorithm)
          .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    } catch (IOException | GeneralSecurityException e) {
      throw new TlsSetupException(
          String.format("%s %s is not a valid %s private key", role, file, algorithm), e);
    }
  }
}
