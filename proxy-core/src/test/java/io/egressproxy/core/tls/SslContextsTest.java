package io.egressproxy.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The parts of {@link SslContexts} that need no socket. */
@Timeout(30)
class SslContextsTest {
  @TempDir Path tmp;

  @Test
  void prefersOpenSslWhenItLoads() {
    assertThat(SslContexts.preferredProvider())
        .isEqualTo(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
  }

  @Test
  void upstreamTrustHoldsTheJdkDefaultsAndEveryExtraCertificate() {
    X509Certificate first = CertificateAuthority.createInMemory().certificate();
    X509Certificate second = CertificateAuthority.createInMemory().certificate();
    Path bundle =
        TestCertificates.write(tmp.resolve("extra.pem"), Pem.toPem(first) + Pem.toPem(second));

    List<X509Certificate> withExtras =
        acceptedIssuers(SslContexts.trustManagerFactory(List.of(bundle)));
    List<X509Certificate> defaults = acceptedIssuers(SslContexts.trustManagerFactory(List.of()));

    assertThat(defaults).as("the JDK's cacerts").isNotEmpty();
    assertThat(withExtras).hasSize(defaults.size() + 2).contains(first, second);
  }

  @Test
  void missingExtraTrustFileIsNamed() {
    Path missing = tmp.resolve("corp-ca.pem");

    assertThatThrownBy(() -> SslContexts.upstreamClientContext(List.of(missing), SslProvider.JDK))
        .isInstanceOf(TlsSetupException.class)
        .hasMessage("extra trust file " + missing + " does not exist");
  }

  @Test
  void serverContextKeepsASessionCache() throws Exception {
    CertificateAuthority ca = CertificateAuthority.createInMemory();
    LeafCertificate leaf =
        new LeafCertificates(ca, 1, java.time.Duration.ofDays(1), Runnable::run)
            .leafFor("a.example")
            .get();

    assertThat(
            SslContexts.serverContextFor(leaf, SslProvider.JDK)
                .sessionContext()
                .getSessionCacheSize())
        .isEqualTo(1024);
  }

  private static List<X509Certificate> acceptedIssuers(TrustManagerFactory factory) {
    return List.of(((X509TrustManager) factory.getTrustManagers()[0]).getAcceptedIssuers());
  }
}
