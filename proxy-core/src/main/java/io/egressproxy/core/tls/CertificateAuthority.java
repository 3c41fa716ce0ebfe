package io.egressproxy.core.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's interception CA: a certificate that sandboxes are told to trust, and its private key,
 * which signs the leaf certificates presented to intercepted clients. Either created by the proxy
 * ({@link #loadOrCreate}: EC P-256, see {@link CertificateSigner} for why) or supplied by the user
 * ({@link #load}).
 *
 * <p>Immutable and thread-safe once built. Building one does blocking file I/O and key generation:
 * do it at startup or on a blocking executor, never on an event loop. The private key is reachable
 * only inside this package, and neither {@link #toString()} nor any message includes it.
 */
public final class CertificateAuthority {
  private static final Logger log = LoggerFactory.getLogger(CertificateAuthority.class);

  private static final Set<PosixFilePermission> GROUP_OR_OTHER =
      Set.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE);

  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final Path certificatePath;
  private final String sha256Fingerprint;
  private final String certificatePem;

  CertificateAuthority(X509Certificate certificate, PrivateKey privateKey, Path certificatePath) {
    this.certificate = Objects.requireNonNull(certificate, "certificate");
    this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    this.certificatePath = certificatePath;
    this.sha256Fingerprint = fingerprint(certificate);
    this.certificatePem = Pem.toPem(certificate);
  }

  /**
   * Loads {@code caDir/ca.pem} and {@code caDir/ca-key.pem}, or creates them (directory 0700, key
   * 0600 where POSIX) when neither exists. Safe when several processes start at once: exactly one
   * CA ends up on disk and every caller gets it.
   *
   * @throws TlsSetupException if the files are unusable or only one of them exists
   */
  public static CertificateAuthority loadOrCreate(Path caDir) {
    return CaDirectory.loadOrCreate(caDir, CaDirectory.DEFAULT_WAIT_FOR_PEER);
  }

  /**
   * Loads a user-supplied CA and checks that it is a CA, is valid now and that the key belongs to
   * the certificate. If {@code certPem} holds several certificates, the first is the CA.
   *
   * @throws TlsSetupException naming the file and what is wrong with it
   */
  public static CertificateAuthority load(Path certPem, Path keyPem) {
    List<X509Certificate> certs = Pem.readCertificates(certPem, "CA certificate");
    PrivateKey key = Pem.readPrivateKey(keyPem, "CA private key");
    X509Certificate cert = certs.get(0);
    CaValidation.check(cert, key, certPem, keyPem, Instant.now());
    warnIfKeyReadableByOthers(keyPem);
    return new CertificateAuthority(cert, key, certPem);
  }

  /**
   * A fresh CA that lives only in memory ({@link #certificatePath()} is null): for tests and for
   * embedding applications that install the certificate themselves.
   */
  public static CertificateAuthority createInMemory() {
    return create(null);
  }

  /** Generates the key and the self-signed certificate: 10 years, back-dated an hour for skew. */
  static CertificateAuthority create(Path certificatePath) {
    KeyPair keys = CertificateSigner.newEcKeyPair();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant notBefore = now.minus(1, ChronoUnit.HOURS);
    Instant notAfter = now.atOffset(ZoneOffset.UTC).plusYears(10).toInstant();
    X509Certificate cert =
        CertificateSigner.selfSignedCa(
            keys, "egress-proxy CA " + CertificateSigner.randomId(), notBefore, notAfter);
    return new CertificateAuthority(cert, keys.getPrivate(), certificatePath);
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** The certificate as PEM text, for installing into sandboxes' trust stores. */
  public String certificatePem() {
    return certificatePem;
  }

  /** SHA-256 of the DER certificate, upper-case hex pairs joined by colons (as openssl prints). */
  public String sha256Fingerprint() {
    return sha256Fingerprint;
  }

  /** Where the certificate was loaded from or written to; null for an in-memory CA. */
  public Path certificatePath() {
    return certificatePath;
  }

  /** Package-private so the key never leaves the tls package. */
  PrivateKey privateKey() {
    return privateKey;
  }

  @Override
  public String toString() {
    return "CertificateAuthority[subject="
        + certificate.getSubjectX500Principal().getName()
        + ", sha256="
        + sha256Fingerprint
        + ", notAfter="
        + certificate.getNotAfter().toInstant()
        + ", path="
        + certificatePath
        + "]";
  }

  private static String fingerprint(X509Certificate cert) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new TlsSetupException("could not compute the CA certificate fingerprint", e);
    }
  }

  private static void warnIfKeyReadableByOthers(Path keyPem) {
    if (Files.getFileAttributeView(keyPem, PosixFileAttributeView.class) == null) {
      return;
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(keyPem);
      if (perms.stream().anyMatch(GROUP_OR_OTHER::contains)) {
        log.warn(
            "CA private key {} is accessible by other users ({}); restrict it with 'chmod 600 {}'",
            keyPem,
            PosixFilePermissions.toString(perms),
            keyPem);
      }
    } catch (IOException e) {
      log.debug("could not read the permissions of {}", keyPem, e);
    }
  }
}
