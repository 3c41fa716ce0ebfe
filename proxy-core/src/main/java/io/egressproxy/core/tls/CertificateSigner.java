package io.egressproxy.core.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds and signs the two kinds of certificate the proxy issues: its self-signed CA and the
 * per-host leaves. Keys are EC P-256: every TLS client of the last decade accepts them, they are
 * generated in about a millisecond (RSA-2048 takes tens to hundreds) and sign quickly, which
 * matters because a leaf is minted on the first connection to each new host.
 *
 * <p>Signing uses the JDK's providers; BouncyCastle only assembles the ASN.1. Stateless and
 * thread-safe; key generation and signing are CPU work, so callers keep them off event loops.
 */
final class CertificateSigner {
  /** Subject CN is limited to 64 characters by RFC 5280; the SAN carries the full name. */
  private static final int MAX_COMMON_NAME = 64;

  private static final SecureRandom RANDOM = new SecureRandom();

  private CertificateSigner() {}

  static KeyPair newEcKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new TlsSetupException("this JDK cannot generate EC P-256 keys", e);
    }
  }

  /** Random, positive, exactly 128 bits: unguessable and within RFC 5280's 20-octet limit. */
  static BigInteger randomSerial() {
    return new BigInteger(128, RANDOM).setBit(127);
  }

  /** Eight hex digits that tell one installation's CA from another's in trust stores. */
  static String randomId() {
    byte[] id = new byte[4];
    RANDOM.nextBytes(id);
    return HexFormat.of().formatHex(id);
  }

  /** CA:true (pathLen 0) and keyCertSign+cRLSign, both critical, plus a subject key identifier. */
  static X509Certificate selfSignedCa(
      KeyPair keys, String commonName, Instant notBefore, Instant notAfter) {
    // DER order is O then CN, which X500Principal prints as "CN=..., O=egress-proxy".
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, "egress-proxy")
            .addRDN(BCStyle.CN, commonName)
            .build();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            subject,
            randomSerial(),
            Date.from(notBefore),
            Date.from(notAfter),
            subject,
            keys.getPublic());
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          extensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
    } catch (IOException e) {
      throw new TlsSetupException("could not encode the CA certificate extensions", e);
    }
    return sign(builder, keys.getPrivate());
  }

  /**
   * A server certificate for {@code host}: dNSName or iPAddress SAN, CA:false, digitalSignature
   * (+keyEncipherment for an RSA leaf key), serverAuth, and an authority key identifier that
   * matches the CA's subject key identifier.
   */
  static X509Certificate leaf(
      String host,
      PublicKey leafKey,
      X509Certificate caCertificate,
      PrivateKey caKey,
      Instant notBefore,
      Instant notAfter) {
    String bare = HostNames.withoutBrackets(host);
    GeneralName san =
        new GeneralName(
            HostNames.isIpLiteral(bare) ? GeneralName.iPAddress : GeneralName.dNSName, bare);
    String commonName =
        bare.length() <= MAX_COMMON_NAME ? bare : bare.substring(0, MAX_COMMON_NAME);
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    int keyUsage = KeyUsage.digitalSignature;
    if ("RSA".equals(leafKey.getAlgorithm())) {
      keyUsage |= KeyUsage.keyEncipherment;
    }
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            caCertificate,
            randomSerial(),
            Date.from(notBefore),
            Date.from(notAfter),
            subject,
            leafKey);
    try {
      JcaX509ExtensionUtils utils = extensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
      builder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
      builder.addExtension(
          Extension.authorityKeyIdentifier, false, authorityKeyId(caCertificate, utils));
      builder.addExtension(
          Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(leafKey));
    } catch (IOException | IllegalArgumentException e) {
      throw new TlsSetupException(
          String.format("could not encode a certificate for host '%s'", host), e);
    }
    return sign(builder, caKey);
  }

  /** The JCA signature algorithm a CA with this key signs with. */
  static String signatureAlgorithm(PrivateKey key) {
    switch (key.getAlgorithm()) {
      case "RSA":
        return "SHA256withRSA";
      case "EC":
      case "ECDSA":
        boolean large =
            key instanceof ECPrivateKey
                && ((ECPrivateKey) key).getParams().getCurve().getField().getFieldSize() > 256;
        return large ? "SHA384withECDSA" : "SHA256withECDSA";
      default:
        throw new TlsSetupException(
            "unsupported CA key algorithm " + key.getAlgorithm() + "; use an EC or RSA key");
    }
  }

  /**
   * Copies the CA's own subject key identifier when it has one: a user-supplied CA may have
   * computed it differently from us, and clients match the two byte for byte.
   */
  private static AuthorityKeyIdentifier authorityKeyId(
      X509Certificate ca, JcaX509ExtensionUtils utils) throws IOException {
    byte[] ski = ca.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    if (ski != null) {
      SubjectKeyIdentifier id =
          SubjectKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(ski));
      return new AuthorityKeyIdentifier(id.getKeyIdentifier());
    }
    return utils.createAuthorityKeyIdentifier(ca.getPublicKey());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder(signatureAlgorithm(signer)).build(signer)));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new TlsSetupException("could not sign a certificate with the CA key", e);
    }
  }

  private static JcaX509ExtensionUtils extensionUtils() {
    try {
      return new JcaX509ExtensionUtils();
    } catch (GeneralSecurityException e) {
      throw new TlsSetupException("this JDK has no SHA-1 digest for key identifiers", e);
    }
  }
}
