package io.egressproxy.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * TLS interception settings ({@code egress-proxy.tls}).
 *
 * @param caCert  a user-supplied CA certificate, or null to use (and create) the CA in {@code caDir}
 * @param caKey   its private key, or null
 */
public record TlsSettings(Path caDir, Path caCert, Path caKey, InterceptMode intercept, List<Path> upstreamTrust,
                          Duration leafValidity, int leafCacheSize, Duration handshakeTimeout) {
    /** Which CONNECT tunnels are intercepted. */
    public enum InterceptMode {
        /** Only hosts with a credential rule (or request rules to enforce). */
        CREDENTIALS,
        /** Every allowed host except bypass entries. */
        ALL,
        /** None: every tunnel is blind. */
        NONE
    }

    public TlsSettings {
        upstreamTrust = List.copyOf(upstreamTrust);
    }
}
