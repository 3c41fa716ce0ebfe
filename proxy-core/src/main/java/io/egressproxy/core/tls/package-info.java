/**
 * TLS interception material: the proxy's certificate authority ({@link
 * io.egressproxy.core.tls.CertificateAuthority}), per-host leaf certificates minted from it ({@link
 * io.egressproxy.core.tls.LeafCertificates}) and the Netty {@code SslContext}s for both sides
 * ({@link io.egressproxy.core.tls.SslContexts}). This is the only package that may use
 * BouncyCastle; it holds no pipeline logic, makes no policy decisions and never sees request data.
 */
package io.egressproxy.core.tls;
