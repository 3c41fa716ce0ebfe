package io.egressproxy.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class CertificateAuthorityTest {
  @TempDir Path tmp;

  @Test
  void createsCaFilesWithOwnerOnlyKey() throws Exception {
    Path dir = tmp.resolve("nested/ca");
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir);

    Path cert = dir.resolve("ca.pem");
    Path key = dir.resolve("ca-key.pem");
    assertThat(cert).exists();
    assertThat(key).exists();
    assertThat(ca.certificatePath()).isEqualTo(cert);
    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Files.readString(cert)).isEqualTo(ca.certificatePem());
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no temporary files left behind")
          .containsExactlyInAnyOrder("ca.pem", "ca-key.pem");
    }
    assumeTrue(
        dir.getFileSystem().supportedFileAttributeViews().contains("posix"),
        "file system has no POSIX permissions; permission checks skipped");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
  }

  @Test
  void createdCertificateIsACaWithTheRequiredExtensions() throws Exception {
    Instant before = Instant.now();
    X509Certificate cert = CertificateAuthority.loadOrCreate(tmp).certificate();

    assertThat(cert.getSubjectX500Principal().getName())
        .matches("CN=egress-proxy CA [0-9a-f]{8},O=egress-proxy");
    assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
    cert.verify(cert.getPublicKey());
    assertThat(cert.getPublicKey()).isInstanceOf(ECPublicKey.class);
    assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize())
        .isEqualTo(256);
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");

    assertThat(cert.getBasicConstraints()).as("CA:true, pathLen 0").isZero();
    boolean[] keyUsage = cert.getKeyUsage();
    assertThat(keyUsage[5]).as("keyCertSign").isTrue();
    assertThat(keyUsage[6]).as("cRLSign").isTrue();
    assertThat(keyUsage[0]).as("digitalSignature").isFalse();
    assertThat(cert.getCriticalExtensionOIDs())
        .contains(Extension.basicConstraints.getId(), Extension.keyUsage.getId());
    assertThat(cert.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();

    BigInteger serial = cert.getSerialNumber();
    assertThat(serial.signum()).isPositive();
    assertThat(serial.bitLength()).isEqualTo(128);

    Instant notBefore = cert.getNotBefore().toInstant();
    Instant notAfter = cert.getNotAfter().toInstant();
    assertThat(notBefore)
        .isBetween(before.minus(Duration.ofMinutes(61)), before.minus(Duration.ofMinutes(59)));
    Instant tenYears = before.atOffset(ZoneOffset.UTC).plusYears(10).toInstant();
    assertThat(notAfter)
        .isBetween(tenYears.minus(Duration.ofMinutes(1)), tenYears.plus(Duration.ofMinutes(1)));
  }

  @Test
  void secondLoadOrCreateLoadsTheSameCa() {
    CertificateAuthority first = CertificateAuthority.loadOrCreate(tmp);
    CertificateAuthority second = CertificateAuthority.loadOrCreate(tmp);

    assertThat(second.sha256Fingerprint()).isEqualTo(first.sha256Fingerprint());
    assertThat(second.privateKey().getEncoded()).isEqualTo(first.privateKey().getEncoded());
  }

  @Test
  void concurrentCreatesEndWithOneCa() throws Exception {
    int processes = 4;
    ExecutorService pool = Executors.newFixedThreadPool(processes);
    try {
      CountDownLatch start = new CountDownLatch(1);
      Callable<String> create =
          () -> {
            start.await();
            return CertificateAuthority.loadOrCreate(tmp).sha256Fingerprint();
          };
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < processes; i++) {
        results.add(pool.submit(create));
      }
      start.countDown();
      List<String> fingerprints = new ArrayList<>();
      for (Future<String> result : results) {
        fingerprints.add(result.get(30, TimeUnit.SECONDS));
      }

      String onDisk = CertificateAuthority.loadOrCreate(tmp).sha256Fingerprint();
      assertThat(fingerprints).containsOnly(onDisk);
      try (Stream<Path> files = Files.list(tmp)) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .containsExactlyInAnyOrder("ca.pem", "ca-key.pem");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void fingerprintIsColonSeparatedSha256OfTheCertificate() throws Exception {
    CertificateAuthority ca = CertificateAuthority.createInMemory();
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(ca.certificate().getEncoded());

    assertThat(ca.sha256Fingerprint())
        .matches("([0-9A-F]{2}:){31}[0-9A-F]{2}")
        .isEqualTo(HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest));
    assertThat(ca.certificatePath()).isNull();
  }

  @Test
  void toStringNeverContainsTheKey() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(tmp);
    String keyPem = Files.readString(tmp.resolve("ca-key.pem"));
    String keyBase64 = keyPem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();

    assertThat(ca.toString())
        .contains(ca.sha256Fingerprint())
        .doesNotContain(keyBase64)
        .doesNotContainIgnoringCase("private");
  }

  @Test
  void keyWithoutCertificateIsReportedAfterWaitingForAPeer() {
    TestCertificates.write(
        tmp.resolve("ca-key.pem"), Pem.toPem(CertificateSigner.newEcKeyPair().getPrivate()));

    assertThatThrownBy(() -> CaDirectory.loadOrCreate(tmp, Duration.ofMillis(100)))
        .isInstanceOf(TlsSetupException.class)
        .hasMessage(
            "CA directory %s has ca-key.pem but no ca.pem (an earlier start was interrupted?);"
                + " delete %s to let egress-proxy create a new CA, or put its certificate at %s",
            tmp, tmp.resolve("ca-key.pem"), tmp.resolve("ca.pem"));
  }

  @Test
  void certificateWithoutKeyIsReported() {
    TestCertificates.write(
        tmp.resolve("ca.pem"), CertificateAuthority.createInMemory().certificatePem());

    assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(tmp))
        .isInstanceOf(TlsSetupException.class)
        .hasMessageStartingWith("CA directory %s has ca.pem but no ca-key.pem", tmp);
  }
}
