package io.egressproxy.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class LeafCertificatesTest {
  private static final CertificateAuthority CA = CertificateAuthority.createInMemory();
  private static final Duration WEEK = Duration.ofDays(7);
  private static final int DNS_NAME = 2;
  private static final int IP_ADDRESS = 7;

  private final List<MintExecutor> executors = new ArrayList<>();

  @AfterEach
  void stopExecutors() {
    for (MintExecutor executor : executors) {
      executor.release();
      executor.close();
    }
  }

  private MintExecutor executor(MintExecutor executor) {
    executors.add(executor);
    return executor;
  }

  private LeafCertificates leaves() {
    return new LeafCertificates(CA, 16, WEEK, executor(MintExecutor.running()));
  }

  private static LeafCertificate get(CompletableFuture<LeafCertificate> future) throws Exception {
    return future.get(10, TimeUnit.SECONDS);
  }

  @Test
  void dnsNameBecomesDnsSanAndCommonName() throws Exception {
    X509Certificate leaf = get(leaves().leafFor("api.example.com")).certificate();

    assertThat(leaf.getSubjectAlternativeNames())
        .containsExactly(List.of(DNS_NAME, "api.example.com"));
    assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=api.example.com");
  }

  @Test
  void ipv4LiteralBecomesIpAddressSan() throws Exception {
    X509Certificate leaf = get(leaves().leafFor("127.0.0.1")).certificate();

    assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(IP_ADDRESS, "127.0.0.1"));
  }

  @Test
  void ipv6LiteralBecomesIpAddressSan() throws Exception {
    X509Certificate leaf = get(leaves().leafFor("::1")).certificate();

    assertThat(leaf.getSubjectAlternativeNames())
        .containsExactly(List.of(IP_ADDRESS, "0:0:0:0:0:0:0:1"));
  }

  @Test
  void longNameIsTruncatedInCommonNameButNotInSan() throws Exception {
    String host = "a".repeat(60) + ".example.com";
    X509Certificate leaf = get(leaves().leafFor(host)).certificate();

    assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=" + host.substring(0, 64));
    assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(DNS_NAME, host));
  }

  @Test
  void leafIsAServerCertificateAndNotACa() throws Exception {
    X509Certificate leaf = get(leaves().leafFor("api.example.com")).certificate();

    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    boolean[] keyUsage = leaf.getKeyUsage();
    assertThat(keyUsage[0]).as("digitalSignature").isTrue();
    assertThat(keyUsage[2]).as("keyEncipherment is for RSA leaf keys only").isFalse();
    assertThat(keyUsage[5]).as("keyCertSign").isFalse();
    assertThat(leaf.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(leaf.getSerialNumber().bitLength()).isEqualTo(128);

    byte[] aki = leaf.getExtensionValue(Extension.authorityKeyIdentifier.getId());
    byte[] caSki = CA.certificate().getExtensionValue(Extension.subjectKeyIdentifier.getId());
    assertThat(
            AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(aki).getOctets())
                .getKeyIdentifier())
        .isEqualTo(
            SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(caSki).getOctets())
                .getKeyIdentifier());
  }

  @Test
  void chainVerifiesAgainstTheCaAlone() throws Exception {
    LeafCertificate leaf = get(leaves().leafFor("api.example.com"));
    X509Certificate[] chain = leaf.chain();

    assertThat(chain).hasSize(2);
    assertThat(chain[1]).isEqualTo(CA.certificate());
    chain[0].verify(CA.certificate().getPublicKey());

    CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(chain[0]));
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(CA.certificate(), null)));
    params.setRevocationEnabled(false);
    PKIXCertPathValidatorResult result =
        (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX").validate(path, params);
    assertThat(result.getTrustAnchor().getTrustedCert()).isEqualTo(CA.certificate());
  }

  @Test
  void leafIsBackdatedAnHourAndValidForTheConfiguredTime() throws Exception {
    Instant now = Instant.now();
    LeafCertificate leaf = get(leaves().leafFor("api.example.com"));
    X509Certificate cert = leaf.certificate();

    assertThat(cert.getNotBefore().toInstant())
        .isBetween(now.minus(Duration.ofMinutes(61)), now.minus(Duration.ofMinutes(59)));
    assertThat(cert.getNotAfter().toInstant())
        .isBetween(now.plus(WEEK).minusSeconds(60), now.plus(WEEK).plusSeconds(60));
    assertThat(leaf.notAfter()).isEqualTo(cert.getNotAfter().toInstant());
  }

  @Test
  void validityIsCappedAtTheCaExpiry() throws Exception {
    KeyPair keys = CertificateSigner.newEcKeyPair();
    Instant caNotAfter = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
    X509Certificate caCert =
        TestCertificates.selfSigned(
            keys,
            "CN=short CA",
            Instant.now().minus(Duration.ofDays(1)),
            caNotAfter,
            new BasicConstraints(0),
            new KeyUsage(KeyUsage.keyCertSign));
    CertificateAuthority shortCa = new CertificateAuthority(caCert, keys.getPrivate(), null);

    LeafCertificate leaf =
        get(
            new LeafCertificates(shortCa, 4, WEEK, executor(MintExecutor.running()))
                .leafFor("a.example"));

    assertThat(leaf.notAfter()).isEqualTo(caNotAfter);
  }

  @Test
  void secondRequestIsACacheHit() throws Exception {
    LeafCertificates leaves = leaves();
    CompletableFuture<LeafCertificate> first = leaves.leafFor("api.example.com");
    get(first);

    CompletableFuture<LeafCertificate> second = leaves.leafFor("api.example.com");

    assertThat(second).isSameAs(first);
    assertThat(leaves.cacheHits()).isEqualTo(1);
    assertThat(leaves.cacheMisses()).isEqualTo(1);
  }

  @Test
  void concurrentRequestsShareOneInFlightMint() throws Exception {
    MintExecutor mint = executor(MintExecutor.held());
    LeafCertificates leaves = new LeafCertificates(CA, 16, WEEK, mint);
    int callers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<CompletableFuture<LeafCertificate>>> calls = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        calls.add(
            pool.submit(
                () -> {
                  start.await();
                  return leaves.leafFor("api.example.com");
                }));
      }
      start.countDown();
      List<CompletableFuture<LeafCertificate>> futures = new ArrayList<>();
      for (Future<CompletableFuture<LeafCertificate>> call : calls) {
        futures.add(call.get(10, TimeUnit.SECONDS));
      }

      assertThat(futures).allSatisfy(f -> assertThat(f).isSameAs(futures.get(0)));
      assertThat(futures.get(0)).isNotDone();
      assertThat(leaves.cacheMisses()).isEqualTo(1);
      assertThat(leaves.cacheHits()).isEqualTo(callers - 1);

      mint.release();
      get(futures.get(0));
      assertThat(mint.ranOn()).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void mintingNeverRunsOnTheCallingThread() throws Exception {
    MintExecutor mint = executor(MintExecutor.held());
    LeafCertificates leaves = new LeafCertificates(CA, 16, WEEK, mint);

    CompletableFuture<LeafCertificate> future = leaves.leafFor("api.example.com");
    assertThat(future).as("nothing minted before the executor runs").isNotDone();
    mint.release();
    get(future);

    assertThat(mint.ranOn()).singleElement().asString().startsWith(MintExecutor.THREAD_PREFIX);
  }

  @Test
  void cacheKeepsOnlyTheMostRecentlyUsedHosts() throws Exception {
    LeafCertificates leaves = new LeafCertificates(CA, 2, WEEK, executor(MintExecutor.running()));
    get(leaves.leafFor("a.example"));
    get(leaves.leafFor("b.example"));
    get(leaves.leafFor("a.example")); // hit: a is now the most recently used
    get(leaves.leafFor("c.example")); // evicts b

    assertThat(leaves.cachedHosts()).isEqualTo(2);
    assertThat(leaves.cacheHits()).isEqualTo(1);
    assertThat(leaves.cacheMisses()).isEqualTo(3);

    get(leaves.leafFor("a.example"));
    assertThat(leaves.cacheHits()).as("a survived").isEqualTo(2);
    get(leaves.leafFor("b.example"));
    assertThat(leaves.cacheMisses()).as("b was evicted").isEqualTo(4);
    assertThat(leaves.cachedHosts()).isEqualTo(2);
  }

  @Test
  void leafIsRemintedWithinAnHourOfExpiry() throws Exception {
    MutableClock clock = new MutableClock(Instant.now());
    LeafCertificates leaves =
        new LeafCertificates(CA, 16, WEEK, executor(MintExecutor.running()), clock);
    LeafCertificate first = get(leaves.leafFor("api.example.com"));

    clock.advance(WEEK.minus(Duration.ofMinutes(61)));
    assertThat(get(leaves.leafFor("api.example.com"))).isSameAs(first);
    clock.advance(Duration.ofMinutes(2));
    LeafCertificate renewed = get(leaves.leafFor("api.example.com"));

    assertThat(renewed.certificate().getSerialNumber())
        .isNotEqualTo(first.certificate().getSerialNumber());
    assertThat(renewed.notAfter()).isAfter(first.notAfter());
    assertThat(leaves.cacheMisses()).isEqualTo(2);
  }

  @Test
  void failedMintIsReportedAndNotCached() throws Exception {
    Instant afterCaExpiry = CA.certificate().getNotAfter().toInstant().plus(Duration.ofDays(1));
    LeafCertificates leaves =
        new LeafCertificates(
            CA, 16, WEEK, executor(MintExecutor.running()), new MutableClock(afterCaExpiry));

    CompletableFuture<LeafCertificate> failed = leaves.leafFor("api.example.com");
    assertThatThrownBy(() -> get(failed))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(TlsSetupException.class)
        .hasMessageStartingWith(
            "cannot mint a certificate for 'api.example.com': CA certificate (in memory) expired on"
                + " ");

    CompletableFuture<LeafCertificate> retry = leaves.leafFor("api.example.com");
    assertThat(retry).isNotSameAs(failed);
    assertThat(leaves.cacheMisses()).isEqualTo(2);
    assertThatThrownBy(() -> get(retry)).isInstanceOf(ExecutionException.class);
  }

  @Test
  void allLeavesShareOneKeyPair() throws Exception {
    LeafCertificates leaves = leaves();
    LeafCertificate a = get(leaves.leafFor("a.example"));
    LeafCertificate b = get(leaves.leafFor("b.example"));

    assertThat(a.key()).isSameAs(b.key());
    assertThat(a.certificate().getPublicKey()).isEqualTo(b.certificate().getPublicKey());
    assertThat(a.toString()).contains("CN=a.example").doesNotContain("key");
  }

  @Test
  void rejectsUnusableSettings() {
    MintExecutor mint = executor(MintExecutor.running());
    assertThatThrownBy(() -> new LeafCertificates(CA, 0, WEEK, mint))
        .hasMessage("maxCachedHosts must be at least 1, got 0");
    assertThatThrownBy(() -> new LeafCertificates(CA, 1, Duration.ofMinutes(30), mint))
        .hasMessage(
            "leaf validity must be at least 2h (leaves are renewed 1h before expiry), got PT30M");
  }
}
