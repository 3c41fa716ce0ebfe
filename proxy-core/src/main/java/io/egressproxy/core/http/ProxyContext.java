package io.egressproxy.core.http;

import io.egressproxy.core.config.ProxySettings;
import io.egressproxy.core.net.Transport;
import io.egressproxy.core.net.UpstreamResolver;
import io.egressproxy.core.identity.Sandboxes;
import io.egressproxy.core.observe.RequestEvents;
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
    private final RequestEvents events;
    private volatile InetSocketAddress adminAddress;
    private volatile boolean draining;

    public ProxyContext(ProxySettings settings, Sandboxes sandboxes, Transport transport, UpstreamResolver resolver,
                        Interception interception, RequestEvents events) {
        this.interception = interception;
        this.events = events;
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

    /** Whether blind tunnels are spliced: asked for in the settings and possible on this transport. */
    public boolean splicesTunnels() {
        return transport.isEpoll() && settings().transport().splice();
    }

    public UpstreamResolver resolver() {
        return resolver;
    }

    private final io.netty.channel.group.ChannelGroup clients =
            new io.netty.channel.group.DefaultChannelGroup("egress-proxy-clients", io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);

    /** Every open client connection (for a graceful stop). */
    public io.netty.channel.group.ChannelGroup clients() {
        return clients;
    }

    /** Set on connections accepted by a sandbox's own listener: the sandbox they belong to. */
    public static final io.netty.util.AttributeKey<String> LISTENER_SANDBOX = io.netty.util.AttributeKey.valueOf("egress-proxy.sandbox");

    private static final io.netty.util.AttributeKey<Boolean> BUSY = io.netty.util.AttributeKey.valueOf("egress-proxy.busy");
    private volatile io.egressproxy.core.live.Approvals approvals;

    /** Marks a client connection as carrying a request or tunnel (a graceful stop waits for it). */
    static void busy(io.netty.channel.Channel channel, boolean busy) {
        channel.attr(BUSY).set(busy);
    }

    /** Whether a graceful stop must wait for this client connection. */
    public static boolean isBusy(io.netty.channel.Channel channel) {
        return Boolean.TRUE.equals(channel.attr(BUSY).get());
    }

    public void approvals(io.egressproxy.core.live.Approvals approvals) {
        this.approvals = approvals;
    }

    /** Held requests under policy.default = ask. */
    public io.egressproxy.core.live.Approvals approvals() {
        return approvals;
    }

    /** Access log, metrics and recent decisions. */
    public RequestEvents events() {
        return events;
    }

    /** Called once the admin listener is bound: the proxy must never connect to it either. */
    public void adminAddress(InetSocketAddress address) {
        this.adminAddress = address;
    }

    /** Set when the proxy is stopping: finished exchanges close their client connections. */
    public void startDraining() {
        this.draining = true;
    }

    public boolean draining() {
        return draining;
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
        if (matches(listenAddress, address, port) || matches(adminAddress, address, port)) {
            return true;
        }
        for (InetSocketAddress extra : sandboxListeners) {
            if (matches(extra, address, port)) {
                return true;
            }
        }
        return false;
    }

    private final java.util.Set<InetSocketAddress> sandboxListeners = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A sandbox listener opened or closed: the proxy must never connect to its own listeners. */
    public void sandboxListener(InetSocketAddress address, boolean open) {
        if (open) {
            sandboxListeners.add(address);
        } else {
            sandboxListeners.remove(address);
        }
    }

    private boolean matches(InetSocketAddress listen, InetAddress address, int port) {
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
