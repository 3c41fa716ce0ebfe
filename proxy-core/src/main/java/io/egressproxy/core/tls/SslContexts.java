package io.egressproxy.core.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Netty {@link SslContext}s for both sides of an intercepted connection: the server
 * context that intercepted clients handshake with, and the client context for the verified
 * connection upstream. Both speak TLSv1.2 and TLSv1.3 and offer only {@code http/1.1} by ALPN,
 * because the proxy's HTTP path is HTTP/1.1; they behave the same with the JDK and the OpenSSL
 * (netty-tcnative BoringSSL) provider.
 *
 * <p>Stateless. Building a context is CPU work (and file I/O for extra trust files): do it at
 * startup or on a blocking executor, never on an event loop. {@link #upstreamHandler} is cheap and
 * meant for the event loop.
 */
public final class SslContexts {
  private static final Logger log = LoggerFactory.getLogger(SslContexts.class);

  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  /** Sessions kept per server context, for resumption by clients that reconnect. */
  private static final long SERVER_SESSION_CACHE_SIZE = 1024;

  private static final long SERVER_SESSION_TIMEOUT_SECONDS = 300;

  /**
   * Offers only http/1.1. NO_ADVERTISE + ACCEPT are the one combination both providers support:
   * with no common protocol, the handshake goes on without ALPN and HTTP/1.1 is assumed.
   */
  private static final ApplicationProtocolConfig HTTP_1_1 =
      new ApplicationProtocolConfig(
          Protocol.ALPN,
          SelectorFailureBehavior.NO_ADVERTISE,
          SelectedListenerFailureBehavior.ACCEPT,
          ApplicationProtocolNames.HTTP_1_1);

  private SslContexts() {}

  /** OpenSSL when netty-tcnative loads on this platform, else the JDK; logged once at INFO. */
  public static SslProvider preferredProvider() {
    return PreferredProvider.VALUE;
  }

  /** The server context an intercepted client handshakes with, presenting {@code leaf}. */
  public static SslContext serverContextFor(LeafCertificate leaf, SslProvider provider) {
    try {
      return SslContextBuilder.forServer(leaf.key(), leaf.chain())
          .sslProvider(provider)
          .protocols(PROTOCOLS)
          .applicationProtocolConfig(HTTP_1_1)
          .sessionCacheSize(SERVER_SESSION_CACHE_SIZE)
          .sessionTimeout(SERVER_SESSION_TIMEOUT_SECONDS)
          .build();
    } catch (SSLException e) {
      throw new TlsSetupException(
          String.format("could not build a TLS server context for %s (%s)", leaf, e.getMessage()),
          e);
    }
  }

  /**
   * The client context for upstream connections. It trusts the running JDK's default trust store
   * plus every certificate in {@code extraTrustPems} (e.g. a corporate CA). Use it through {@link
   * #upstreamHandler}, which turns on hostname verification and SNI for each connection.
   *
   * @throws TlsSetupException naming an extra trust file that is missing or holds no certificate
   */
  public static SslContext upstreamClientContext(List<Path> extraTrustPems, SslProvider provider) {
    try {
      return SslContextBuilder.forClient()
          .sslProvider(provider)
          .trustManager(trustManagerFactory(extraTrustPems))
          .protocols(PROTOCOLS)
          .applicationProtocolConfig(HTTP_1_1)
          .endpointIdentificationAlgorithm("HTTPS")
          .build();
    } catch (SSLException e) {
      throw new TlsSetupException(
          "could not build the upstream TLS client context (" + e.getMessage() + ")", e);
    }
  }

  /**
   * A handler for one upstream connection to {@code host}: sends SNI for a name (not for an IP
   * literal, as RFC 6066 requires) and verifies that the certificate names {@code host} (dNSName,
   * or iPAddress for a literal). Pass the host the client asked for, not the resolved address the
   * channel connects to. Cheap enough for an event loop; the caller adds it to the pipeline, which
   * then owns it (and releases its engine when it is removed).
   */
  public static SslHandler upstreamHandler(
      SslContext ctx, ByteBufAllocator alloc, String host, int port) {
    String peerHost = HostNames.withoutBrackets(host);
    SslHandler handler = ctx.newHandler(alloc, peerHost, port);
    SSLEngine engine = handler.engine();
    SSLParameters params = engine.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    if (!HostNames.isIpLiteral(peerHost)) {
      // Both providers skip SNI for dot-less names such as "localhost"; set it explicitly.
      params.setServerNames(List.of(new SNIHostName(peerHost)));
    }
    engine.setSSLParameters(params);
    return handler;
  }

  /**
   * One trust store holding the JDK's default anchors and the extra ones: a single {@link KeyStore}
   * works unchanged with both providers, unlike a hand-written composite manager.
   */
  static TrustManagerFactory trustManagerFactory(List<Path> extraTrustPems) {
    try {
      KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
      anchors.load(null, null);
      int n = 0;
      for (X509Certificate cert : defaultTrustAnchors()) {
        anchors.setCertificateEntry("default-" + n++, cert);
      }
      for (Path pem : extraTrustPems) {
        for (X509Certificate cert : Pem.readCertificates(pem, "extra trust file")) {
          anchors.setCertificateEntry("extra-" + n++, cert);
        }
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(anchors);
      return factory;
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsSetupException("could not build the upstream trust store (" + e + ")", e);
    }
  }

  /** The running JDK's default anchors (its cacerts, or javax.net.ssl.trustStore if set). */
  private static List<X509Certificate> defaultTrustAnchors() throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    List<X509Certificate> anchors = new ArrayList<>();
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager) {
        anchors.addAll(List.of(((X509TrustManager) manager).getAcceptedIssuers()));
      }
    }
    return anchors;
  }

  /** Lazy holder: the provider is probed and logged once, on first use. */
  private static final class PreferredProvider {
    static final SslProvider VALUE = choose();

    private static SslProvider choose() {
      if (OpenSsl.isAvailable()) {
        log.info("TLS provider: OpenSSL ({})", OpenSsl.versionString());
        return SslProvider.OPENSSL;
      }
      log.info(
          "TLS provider: JDK (OpenSSL unavailable: {})",
          String.valueOf(OpenSsl.unavailabilityCause()));
      return SslProvider.JDK;
    }
  }
}
