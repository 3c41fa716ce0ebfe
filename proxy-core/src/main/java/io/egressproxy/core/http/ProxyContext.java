package io.egressproxy.core.http;

import io.egressproxy.core.config.ProxySettings;
import io.egressproxy.core.net.Transport;
import io.egressproxy.core.net.UpstreamResolver;
import io.egressproxy.core.identity.Sandboxes;
import io.egressproxy.core.policy.PolicyScope;
import io.egressproxy.core.tls.Interception;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/**
 * What every connection handler of one running proxy shares: settings, the current policy, the
 * transport, the resolver and the proxy's own listening address (to refuse connecting to itself).
 * Thread-safe: the policy is swapped atomically as a whole; everything else is fixed at start.
 */
public final class ProxyContext {
    private final ProxySettings settings;
    private final Transport transport;
    private final UpstreamResolver resolver;
    private volatile Sandboxes sandboxes;
    private volatile InetSocketAddress listenAddress;
    private final Set<InetAddress> localAddresses;
    private final Interception interception;

    public ProxyContext(ProxySettings settings, Sandboxes sandboxes, Transport transport, UpstreamResolver resolver,
                        Interception interception) {
        this.interception = interception;
        this.settings = settings;
        this.sandboxes = sandboxes;
        this.transport = transport;
        this.resolver = resolver;
        this.localAddresses = Collections.unmodifiableSet(findLocalAddresses());
    }

    public ProxySettings settings() {
        return settings;
    }

    /** The sandboxes and policies in force now. */
    public Sandboxes sandboxes() {
        return sandboxes;
    }

    /** Applies new policies to requests that start after this call. */
    public void sandboxes(Sandboxes newSandboxes) {
        this.sandboxes = newSandboxes;
    }

    /** TLS interception, or null when {@code tls.intercept = none}. */
    public Interception interception() {
        return interception;
    }

    /** Whether a CONNECT to {@code host:port} from a client in {@code scope} is intercepted. */
    boolean intercepts(PolicyScope scope, RequestTarget target) {
        if (interception == null || scope.isBypassed(target.host(), target.port())) {
            return false;
        }
        return switch (settings.tls().intercept()) {
            case NONE -> false;
            case ALL -> true;
            case CREDENTIALS -> !scope.credentialsFor(target.host(), target.port()).isEmpty()
                    || scope.restricts(target.host(), target.port());
        };
    }

    public Transport transport() {
        return transport;
    }

    public UpstreamResolver resolver() {
        return resolver;
    }

    /** Called once the listener is bound. */
    public void listenAddress(InetSocketAddress address) {
        this.listenAddress = address;
    }

    /**
     * Whether {@code address:port} is this proxy's own listener: a connection there would loop a
     * request back into the proxy and consume a connection per hop.
     */
    public boolean isSelf(InetAddress address, int port) {
        InetSocketAddress listen = listenAddress;
        if (listen == null || listen.getPort() != port) {
            return false;
        }
        InetAddress bound = listen.getAddress();
        if (bound.isAnyLocalAddress()) {
            return address.isAnyLocalAddress() || address.isLoopbackAddress() || localAddresses.contains(address);
        }
        return address.equals(bound) || address.isAnyLocalAddress()
                || (bound.isLoopbackAddress() && address.isLoopbackAddress());
    }

    private static Set<InetAddress> findLocalAddresses() {
        Set<InetAddress> addresses = new HashSet<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                addresses.addAll(Collections.list(nif.getInetAddresses()));
            }
        } catch (SocketException | RuntimeException e) {
            // Without the list, only loopback and the bound address are recognised as self.
        }
        return addresses;
    }
}
