package io.egressproxy.core.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/**
 * A minted server certificate for one host, ready for {@link SslContexts#serverContextFor}.
 *
 * <p>Immutable and shared between threads and cache users: {@link #chain()} returns a copy. The key
 * is the one key pair shared by all leaves of a {@link LeafCertificates}; {@link #toString()}
 * leaves it out.
 *
 * @param key the leaf's private key
 * @param chain the leaf certificate followed by the CA certificate
 * @param notAfter when the leaf expires
 */
public record LeafCertificate(PrivateKey key, X509Certificate[] chain, Instant notAfter) {
  public LeafCertificate {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(notAfter, "notAfter");
    chain = chain.clone();
    if (chain.length == 0) {
      throw new IllegalArgumentException("chain must hold at least the leaf certificate");
    }
  }

  /** The leaf certificate then the CA certificate; a fresh copy on every call. */
  @Override
  public X509Certificate[] chain() {
    return chain.clone();
  }

  /** The leaf certificate alone. */
  public X509Certificate certificate() {
    return chain[0];
  }

  @Override
  public String toString() {
    return "LeafCertificate[subject="
        + chain[0].getSubjectX500Principal().getName()
        + ", serial="
        + chain[0].getSerialNumber().toString(16)
        + ", notAfter="
        + notAfter
        + "]";
  }
}
