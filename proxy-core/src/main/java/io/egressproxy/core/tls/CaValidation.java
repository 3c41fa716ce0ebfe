package io.egressproxy.core.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.x509.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that a user-supplied certificate and key can act as the interception CA: the certificate
 * is a CA allowed to sign certificates, it is valid now, and the key belongs to it. Each problem
 * has its own message naming the file, so the operator knows which file to replace.
 *
 * <p>Stateless and thread-safe; CPU work only (one signature), no I/O.
 */
final class CaValidation {
  private static final Logger log = LoggerFactory.getLogger(CaValidation.class);

  /** keyUsage bit 5 (RFC 5280): the key may sign certificates. */
  private static final int KEY_CERT_SIGN = 5;

  private static final Duration EXPIRY_WARNING = Duration.ofDays(30);

  private CaValidation() {}

  static void check(
      X509Certificate cert, PrivateKey key, Path certPath, Path keyPath, Instant now) {
    checkIsCa(cert, certPath);
    checkValidity(cert, certPath, now);
    checkKeyMatches(cert, key, certPath, keyPath);
  }

  private static void checkIsCa(X509Certificate cert, Path certPath) {
    if (cert.getExtensionValue(Extension.basicConstraints.getId()) == null) {
      throw notCa(certPath, "basicConstraints missing");
    }
    if (cert.getBasicConstraints() < 0) {
      throw notCa(certPath, "basicConstraints CA:false");
    }
    boolean[] keyUsage = cert.getKeyUsage();
    if (keyUsage != null && (keyUsage.length <= KEY_CERT_SIGN || !keyUsage[KEY_CERT_SIGN])) {
      throw new TlsSetupException(
          String.format(
              "CA certificate %s may not sign certificates (keyUsage lacks keyCertSign);"
                  + " use a certificate made for signing",
              certPath));
    }
  }

  private static TlsSetupException notCa(Path certPath, String why) {
    return new TlsSetupException(
        String.format(
            "CA certificate %s is not a CA (%s); use a certificate made for signing"
                + " (basicConstraints CA:true, keyUsage keyCertSign), or leave the CA unset"
                + " to let egress-proxy create its own",
            certPath, why));
  }

  private static void checkValidity(X509Certificate cert, Path certPath, Instant now) {
    Instant notBefore = cert.getNotBefore().toInstant();
    Instant notAfter = cert.getNotAfter().toInstant();
    if (now.isAfter(notAfter)) {
      throw new TlsSetupException(
          String.format(
              "CA certificate %s expired on %s; replace it (and its key) with a current CA",
              certPath, notAfter));
    }
    if (now.isBefore(notBefore)) {
      throw new TlsSetupException(
          String.format(
              "CA certificate %s is not valid until %s; check this machine's clock",
              certPath, notBefore));
    }
    if (now.plus(EXPIRY_WARNING).isAfter(notAfter)) {
      log.warn("CA certificate {} expires on {}; replace it soon", certPath, notAfter);
    }
  }

  /**
   * Signs a probe with the key and verifies it with the certificate's public key: works for any key
   * type without re-deriving public keys.
   */
  private static void checkKeyMatches(
      X509Certificate cert, PrivateKey key, Path certPath, Path keyPath) {
    boolean matches;
    try {
      String algorithm = CertificateSigner.signatureAlgorithm(key);
      byte[] probe = "egress-proxy CA key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      // A key of another type than the certificate's (RSA key, EC certificate) lands here.
      matches = false;
    } catch (TlsSetupException e) {
      throw new TlsSetupException(
          String.format(
              "CA private key %s uses unsupported algorithm %s; use an EC or RSA key",
              keyPath, key.getAlgorithm()),
          e);
    }
    if (!matches) {
      throw new TlsSetupException(
          String.format(
              "CA private key %s does not match CA certificate %s; supply the key the"
                  + " certificate was issued for",
              keyPath, certPath));
    }
  }
}
