package io.egressproxy.core.http;

import io.egressproxy.core.observe.ConnectionId;
import io.egressproxy.core.policy.Host;
import io.egressproxy.core.policy.HostNames;
import io.egressproxy.core.policy.InvalidHostException;
import io.egressproxy.core.tls.Interception;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsyncMapping;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;

/**
 * Picks the certificate for an intercepted connection from the client's SNI: only the CONNECT's
 * own host is ever minted for. An SNI naming another host is refused (no certificate is minted
 * and the connection is closed), so a tunnel authorised for one host cannot be used to talk TLS
 * to another (domain fronting). A missing SNI is accepted: the certificate is the CONNECT host's.
 */
final class InterceptMapping implements AsyncMapping<String, SslContext> {
    private static final Logger log = LoggerFactory.getLogger(InterceptMapping.class);

    private final Interception interception;
    private final Host connectHost;
    private final ConnectionId id;
    private boolean refused;

    InterceptMapping(Interception interception, Host connectHost, ConnectionId id) {
        this.interception = interception;
        this.connectHost = connectHost;
        this.id = id;
    }

    @Override
    public Future<SslContext> map(String sni, Promise<SslContext> promise) {
        if (sni != null && !matchesConnectHost(sni)) {
            if (refused) {
                return promise.setFailure(new SSLException("SNI does not match the CONNECT host " + connectHost.name()));
            }
            refused = true;
            log.info("{} refused TLS: SNI '{}' does not match the CONNECT host '{}'", id,
                    ErrorResponses.headerSafe(sni.length() > 100 ? sni.substring(0, 100) : sni), connectHost.name());
            return promise.setFailure(new SSLException("SNI does not match the CONNECT host " + connectHost.name()));
        }
        interception.serverContextFor(connectHost.name()).whenComplete((context, error) -> {
            if (error != null) {
                log.warn("{} could not mint a certificate for {}", id, connectHost.name(), error);
                promise.tryFailure(error);
            } else {
                promise.trySuccess(context);
            }
        });
        return promise;
    }

    private boolean matchesConnectHost(String sni) {
        try {
            return HostNames.parse(sni).name().equals(connectHost.name());
        } catch (InvalidHostException e) {
            return false;
        }
    }
}
