package io.egressproxy.core.net;

import io.egressproxy.core.config.DnsSettings;
import io.egressproxy.core.config.HostAndPort;
import io.egressproxy.core.policy.Host;
import io.netty.channel.EventLoop;
import io.netty.resolver.HostsFileEntriesResolver;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.concurrent.Future;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves upstream host names asynchronously on the calling event loop: static overrides
 * ({@code egress-proxy.dns.hosts}) first, then /etc/hosts, then DNS. Returns every address so the
 * caller can check each one against the policy and connect to a checked address without a second
 * lookup. One Netty {@link DnsNameResolver} per event loop, made lazily on that loop; thread-safe.
 */
public final class UpstreamResolver implements AutoCloseable {
    /** The name a sandbox uses for the host it runs on; resolved like {@code localhost}. */
    public static final String DOCKER_HOST_NAME = "host.docker.internal";

    private final DnsSettings settings;
    private final Transport transport;
    private final Map<EventLoop, DnsNameResolver> resolvers = new ConcurrentHashMap<>();

    public UpstreamResolver(DnsSettings settings, Transport transport) {
        this.settings = settings;
        this.transport = transport;
    }

    /** All addresses of {@code host}; must be called on {@code loop}. */
    public Future<List<InetAddress>> resolveAll(Host host, EventLoop loop) {
        if (host.isLiteral()) {
            return loop.newSucceededFuture(List.of(host.literal()));
        }
        String name = host.name();
        InetAddress pinned = settings.hosts().get(name);
        if (pinned != null) {
            return loop.newSucceededFuture(List.of(pinned));
        }
        if (DOCKER_HOST_NAME.equals(name)) {
            name = "localhost";
        }
        return resolverFor(loop).resolveAll(name);
    }

    private DnsNameResolver resolverFor(EventLoop loop) {
        return resolvers.computeIfAbsent(loop, this::newResolver);
    }

    private DnsNameResolver newResolver(EventLoop loop) {
        DnsNameResolverBuilder builder = new DnsNameResolverBuilder(loop)
                .datagramChannelType(transport.datagramChannel())
                .socketChannelType(transport.socketChannel().asSubclass(io.netty.channel.socket.SocketChannel.class))
                .hostsFileEntriesResolver(HostsFileEntriesResolver.DEFAULT)
                .resolvedAddressTypes(ResolvedAddressTypes.IPV4_PREFERRED)
                .queryTimeoutMillis(Math.max(1, settings.queryTimeout().toMillis()))
                .nameServerProvider(nameServers());
        return builder.build();
    }

    private DnsServerAddressStreamProvider nameServers() {
        if (settings.servers().isEmpty()) {
            return DnsServerAddressStreamProviders.platformDefault();
        }
        List<InetSocketAddress> servers = new ArrayList<>();
        for (HostAndPort server : settings.servers()) {
            servers.add(new InetSocketAddress(server.host(), server.port()));
        }
        return new SequentialDnsServerAddressStreamProvider(servers);
    }

    @Override
    public void close() {
        resolvers.values().forEach(DnsNameResolver::close);
        resolvers.clear();
    }
}
