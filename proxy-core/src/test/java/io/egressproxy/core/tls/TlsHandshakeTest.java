package io.egressproxy.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real TLS handshakes on loopback: intercepted clients against minted leaves, and the upstream
 * client context against servers signed by a trusted and by an unknown CA. Each runs with the JDK
 * provider and, where netty-tcnative loads, with OpenSSL.
 */
@Timeout(60)
class TlsHandshakeTest {
  @TempDir static Path tmp;

  private static final CertificateAuthority PROXY_CA = CertificateAuthority.createInMemory();
  private static MintExecutor mintExecutor;
  private static LeafCertificates proxyLeaves;

  private TlsLoopback loopback;

  @BeforeAll
  static void startMinting() {
    mintExecutor = MintExecutor.running();
    proxyLeaves = new LeafCertificates(PROXY_CA, 16, Duration.ofDays(7), mintExecutor);
  }

  @AfterAll
  static void stopMinting() {
    mintExecutor.close();
  }

  @BeforeEach
  void startLoopback() {
    loopback = new TlsLoopback();
  }

  @AfterEach
  void stopLoopback() {
    loopback.close();
  }

  private static void assumeAvailable(SslProvider provider) {
    assumeTrue(
        provider != SslProvider.OPENSSL || OpenSsl.isAvailable(),
        () ->
            "OpenSSL provider skipped: netty-tcnative is not available here ("
                + OpenSsl.unavailabilityCause()
                + ")");
  }

  private static SslContext proxyServerFor(String host, SslProvider provider) throws Exception {
    LeafCertificate leaf = proxyLeaves.leafFor(host).get(10, TimeUnit.SECONDS);
    return SslContexts.serverContextFor(leaf, provider);
  }

  /** What a sandboxed client does: trust only the proxy CA, offer h2 and http/1.1. */
  private static SslContext sandboxClient(SslProvider provider) throws Exception {
    return SslContextBuilder.forClient()
        .sslProvider(provider)
        .trustManager(PROXY_CA.certificate())
        .applicationProtocolConfig(
            new ApplicationProtocolConfig(
                Protocol.ALPN,
                SelectorFailureBehavior.NO_ADVERTISE,
                SelectedListenerFailureBehavior.ACCEPT,
                "h2",
                "http/1.1"))
        .build();
  }

  @ParameterizedTest
  @EnumSource(
      value = SslProvider.class,
      names = {"JDK", "OPENSSL"})
  void sandboxClientTrustingOnlyTheCaAcceptsTheLeafAndGetsHttp11(SslProvider provider)
      throws Exception {
    assumeAvailable(provider);
    int port = loopback.serve(proxyServerFor("localhost", provider));
    SslContext client = sandboxClient(provider);

    TlsLoopback.Handshake handshake =
        loopback.handshake(
            port, alloc -> SslContexts.upstreamHandler(client, alloc, "localhost", port));

    assertThat(handshake.success()).as(handshake.failureText()).isTrue();
    assertThat(handshake.applicationProtocol()).isEqualTo("http/1.1");
    assertThat(loopback.serverNames()).containsExactly("localhost");
  }

  @ParameterizedTest
  @EnumSource(
      value = SslProvider.class,
      names = {"JDK", "OPENSSL"})
  void sandboxClientExpectingAnotherHostRejectsTheLeaf(SslProvider provider) throws Exception {
    assumeAvailable(provider);
    int port = loopback.serve(proxyServerFor("localhost", provider));
    SslContext client = sandboxClient(provider);

    TlsLoopback.Handshake handshake =
        loopback.handshake(
            port, alloc -> SslContexts.upstreamHandler(client, alloc, "other.example", port));

    assertThat(handshake.success()).isFalse();
    assertThat(handshake.failureText())
        .contains("No subject alternative DNS name matching other.example");
  }

  @ParameterizedTest
  @EnumSource(
      value = SslProvider.class,
      names = {"JDK", "OPENSSL"})
  void ipLiteralIsVerifiedAgainstTheIpSanAndSendsNoSni(SslProvider provider) throws Exception {
    assumeAvailable(provider);
    int port = loopback.serve(proxyServerFor("127.0.0.1", provider));
    SslContext client = sandboxClient(provider);

    TlsLoopback.Handshake handshake =
        loopback.handshake(
            port, alloc -> SslContexts.upstreamHandler(client, alloc, "127.0.0.1", port));

    assertThat(handshake.success()).as(handshake.failureText()).isTrue();
    assertThat(loopback.serverNames()).containsExactly(TlsLoopback.NO_SNI);
  }

  @ParameterizedTest
  @EnumSource(
      value = SslProvider.class,
      names = {"JDK", "OPENSSL"})
  void upstreamContextTrustsACaFromAnExtraPemFile(SslProvider provider) throws Exception {
    assumeAvailable(provider);
    CertificateAuthority corporateCa = CertificateAuthority.loadOrCreate(tmp.resolve("corp-ca"));
    LeafCertificate serverLeaf =
        new LeafCertificates(corporateCa, 4, Duration.ofDays(7), mintExecutor)
            .leafFor("localhost")
            .get(10, TimeUnit.SECONDS);
    int port = loopback.serve(SslContexts.serverContextFor(serverLeaf, provider));
    SslContext upstream =
        SslContexts.upstreamClientContext(List.of(corporateCa.certificatePath()), provider);

    TlsLoopback.Handshake handshake =
        loopback.handshake(
            port, alloc -> SslContexts.upstreamHandler(upstream, alloc, "localhost", port));

    assertThat(handshake.success()).as(handshake.failureText()).isTrue();
    assertThat(handshake.applicationProtocol()).isEqualTo("http/1.1");
  }

  @ParameterizedTest
  @EnumSource(
      value = SslProvider.class,
      names = {"JDK", "OPENSSL"})
  void upstreamContextRejectsAServerSignedByAnUnknownCa(SslProvider provider) throws Exception {
    assumeAvailable(provider);
    CertificateAuthority corporateCa = CertificateAuthority.loadOrCreate(tmp.resolve("corp-ca"));
    int port = loopback.serve(proxyServerFor("localhost", provider)); // signed by PROXY_CA
    SslContext upstream =
        SslContexts.upstreamClientContext(List.of(corporateCa.certificatePath()), provider);

    TlsLoopback.Handshake handshake =
        loopback.handshake(
            port, alloc -> SslContexts.upstreamHandler(upstream, alloc, "localhost", port));

    assertThat(handshake.success()).isFalse();
    assertThat(handshake.failureText())
        .contains("PKIX path building failed")
        .contains("unable to find valid certification path");
  }
}
