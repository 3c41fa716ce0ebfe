package io.egressproxy.core.tls;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mints and caches the leaf certificates that intercepted clients see, one per host, all signed by
 * the {@link CertificateAuthority}. All leaves share one EC P-256 key pair generated in the
 * constructor, so minting is a single signature.
 *
 * <p>Threading: {@link #leafFor} is safe from any thread, including event loops. It only touches
 * the cache under a short lock and never mints on the calling thread: minting runs on the {@code
 * mintExecutor} and completes the returned future there. Concurrent requests for one host share one
 * in-flight future. Finished leaves stay in a bounded LRU cache until they are within an hour of
 * expiry; failed mints are not cached. The futures are shared: callers must not complete or cancel
 * them (a cancelled one is dropped and re-minted on the next request).
 */
public final class LeafCertificates {
  /** A leaf this close to its notAfter is re-minted, so no handshake uses one about to expire. */
  static final Duration RENEW_BEFORE_EXPIRY = Duration.ofHours(1);

  /** Tolerates clients whose clocks are a little behind ours. */
  private static final Duration BACKDATE = Duration.ofHours(1);

  private final CertificateAuthority ca;
  private final KeyPair leafKeys;
  private final Duration validity;
  private final Executor mintExecutor;
  private final Clock clock;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  /** Guarded by itself; access-ordered, so iteration order is least recently used first. */
  private final Map<String, CompletableFuture<LeafCertificate>> cache;

  /**
   * @param maxCachedHosts how many hosts' leaves to keep, at least 1
   * @param validity lifetime of a new leaf, at least 2 hours (capped at the CA's notAfter)
   * @param mintExecutor where key-signing work runs; a small bounded pool, not an event loop
   */
  public LeafCertificates(
      CertificateAuthority ca, int maxCachedHosts, Duration validity, Executor mintExecutor) {
    this(ca, maxCachedHosts, validity, mintExecutor, Clock.systemUTC());
  }

  LeafCertificates(
      CertificateAuthority ca,
      int maxCachedHosts,
      Duration validity,
      Executor mintExecutor,
      Clock clock) {
    this.ca = Objects.requireNonNull(ca, "ca");
    this.mintExecutor = Objects.requireNonNull(mintExecutor, "mintExecutor");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maxCachedHosts < 1) {
      throw new IllegalArgumentException(
          "maxCachedHosts must be at least 1, got " + maxCachedHosts);
    }
    if (validity.compareTo(RENEW_BEFORE_EXPIRY.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException(
          "leaf validity must be at least 2h (leaves are renewed 1h before expiry), got "
              + validity);
    }
    this.validity = validity;
    this.leafKeys = CertificateSigner.newEcKeyPair();
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(
              Map.Entry<String, CompletableFuture<LeafCertificate>> eldest) {
            return size() > maxCachedHosts;
          }
        };
  }

  /**
   * The leaf for {@code host}, a normalised host: a lower-case DNS name or an IP literal such as
   * {@code 127.0.0.1} or {@code ::1}. The future fails with a {@link TlsSetupException} if the
   * certificate cannot be minted (for example, the CA has expired).
   */
  public CompletableFuture<LeafCertificate> leafFor(String host) {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    CompletableFuture<LeafCertificate> mint;
    synchronized (cache) {
      CompletableFuture<LeafCertificate> cached = cache.get(host);
      if (cached != null && reusable(cached)) {
        hits.incrementAndGet();
        return cached;
      }
      mint = new CompletableFuture<>();
      cache.put(host, mint);
    }
    misses.incrementAndGet();
    mint.whenComplete(
        (leaf, failure) -> {
          if (failure != null) {
            synchronized (cache) {
              cache.remove(host, mint);
            }
          }
        });
    try {
      mintExecutor.execute(() -> mint(host, mint));
    } catch (RejectedExecutionException e) {
      mint.completeExceptionally(
          new TlsSetupException("the certificate mint executor is shut down or full", e));
    }
    return mint;
  }

  /** Requests answered from the cache or by joining an in-flight mint. */
  public long cacheHits() {
    return hits.get();
  }

  /** Requests that started a mint. */
  public long cacheMisses() {
    return misses.get();
  }

  int cachedHosts() {
    synchronized (cache) {
      return cache.size();
    }
  }

  /** In flight, or finished and not close to expiry. Called with the cache lock held. */
  private boolean reusable(CompletableFuture<LeafCertificate> future) {
    if (!future.isDone()) {
      return true;
    }
    if (future.isCompletedExceptionally()) {
      return false;
    }
    return future.join().notAfter().isAfter(clock.instant().plus(RENEW_BEFORE_EXPIRY));
  }

  private void mint(String host, CompletableFuture<LeafCertificate> result) {
    try {
      result.complete(sign(host));
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
  }

  private LeafCertificate sign(String host) {
    X509Certificate caCert = ca.certificate();
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant caNotBefore = caCert.getNotBefore().toInstant();
    Instant caNotAfter = caCert.getNotAfter().toInstant();
    Instant notBefore = latest(now.minus(BACKDATE), caNotBefore);
    Instant notAfter = earliest(now.plus(validity), caNotAfter);
    if (!notAfter.isAfter(now)) {
      throw new TlsSetupException(
          String.format(
              "cannot mint a certificate for '%s': CA certificate %s expired on %s; replace the CA",
              host,
              ca.certificatePath() == null ? "(in memory)" : ca.certificatePath(),
              caNotAfter));
    }
    X509Certificate leaf =
        CertificateSigner.leaf(
            host, leafKeys.getPublic(), caCert, ca.privateKey(), notBefore, notAfter);
    return new LeafCertificate(
        leafKeys.getPrivate(),
        new X509Certificate[] {leaf, caCert},
        leaf.getNotAfter().toInstant());
  }

  private static Instant latest(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Instant earliest(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
