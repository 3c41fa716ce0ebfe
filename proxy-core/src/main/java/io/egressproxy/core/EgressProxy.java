package io.egressproxy.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.egressproxy.core.config.ProxyConfigs;
import io.egressproxy.core.config.ProxySettings;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A running egress proxy. Start one from a HOCON file, a {@link Config}, settings, or the
 * {@link #builder()}; {@link #address()} is where it listens (port 0 binds a free port);
 * {@link #close()} stops it and releases its threads. Thread-safe.
 *
 * <pre>{@code
 * try (EgressProxy proxy = EgressProxy.builder()
 *         .listen("127.0.0.1:0")
 *         .allow("api.anthropic.com", "localhost:12434")
 *         .start()) {
 *     System.out.println("proxy at " + proxy.address());
 * }
 * }</pre>
 */
public final class EgressProxy implements AutoCloseable {
    private final ProxyServer server;
    private final InetSocketAddress address;

    private EgressProxy(ProxyServer server, InetSocketAddress address) {
        this.server = server;
        this.address = address;
    }

    /** Starts a proxy with fully read settings. */
    public static EgressProxy start(ProxySettings settings) {
        return start(settings, null);
    }

    private static EgressProxy start(ProxySettings settings, Path configFile) {
        return start(settings, configFile, configFile == null ? null : () -> ProxyConfigs.load(configFile));
    }

    private static EgressProxy start(ProxySettings settings, Path configFile, java.util.function.Supplier<Config> reader) {
        ProxyServer server = new ProxyServer(settings, configFile, reader);
        InetSocketAddress bound = server.bind();
        return new EgressProxy(server, bound);
    }

    /** Starts a proxy from a config whose {@code egress-proxy} section overrides the defaults. */
    public static EgressProxy start(Config config) {
        return start(ProxySettings.from(ProxyConfigs.withDefaults(config)));
    }

    /** Starts a proxy from a HOCON file over the defaults (environment substitutions resolved). */
    public static EgressProxy start(Path hoconFile) {
        return start(ProxySettings.from(ProxyConfigs.load(hoconFile)), hoconFile);
    }

    /**
     * Starts from a config built from {@code hoconFile} (and whatever {@code reader} lays over it,
     * such as command-line flags): the file is watched, each reload calls {@code reader} again, and
     * live policy changes persist next to the file.
     */
    public static EgressProxy start(java.util.function.Supplier<Config> reader, Path hoconFile) {
        return start(ProxySettings.from(reader.get()), hoconFile, reader);
    }

    /** Re-reads the config file (see {@link #start(Path)}); an invalid file changes nothing and throws. */
    public String reload() {
        return server.reload();
    }

    /** The admin API's address, or null when it is off or on a Unix socket. */
    public InetSocketAddress adminAddress() {
        return server.adminAddress();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The address the proxy listens on. */
    public InetSocketAddress address() {
        return address;
    }

    /** {@code epoll} or {@code nio}. */
    public String transportName() {
        return server.transport().name();
    }

    /**
     * Stops listening, closes idle connections, lets in-flight requests finish (up to
     * {@code limits.drain-timeout}), then closes the rest and releases the proxy's threads.
     */
    @Override
    public void close() {
        server.close();
    }

    /** A small builder over the HOCON keys, for embedding and tests. */
    public static final class Builder {
        private final Map<String, Object> values = new LinkedHashMap<>();
        private final List<String> allow = new ArrayList<>();
        private final List<String> block = new ArrayList<>();
        private final Map<String, String> dnsHosts = new LinkedHashMap<>();
        private Config base = ConfigFactory.empty();

        private Builder() {
        }

        /** {@code egress-proxy.listen}, e.g. {@code 127.0.0.1:0}. */
        public Builder listen(String hostAndPort) {
            values.put("egress-proxy.listen", hostAndPort);
            return this;
        }

        /** Adds {@code egress-proxy.policy.allow} entries. */
        public Builder allow(String... patterns) {
            allow.addAll(List.of(patterns));
            return this;
        }

        /** Adds {@code egress-proxy.policy.block} entries. */
        public Builder block(String... patterns) {
            block.addAll(List.of(patterns));
            return this;
        }

        /** Pins {@code name} to {@code address} ({@code egress-proxy.dns.hosts}). */
        public Builder dnsHost(String name, String address) {
            dnsHosts.put(name, address);
            return this;
        }

        /** Any other key, by its full path (e.g. {@code egress-proxy.limits.connect-timeout}). */
        public Builder set(String path, Object value) {
            values.put(path, value);
            return this;
        }

        /** A config the builder's values are laid over. */
        public Builder config(Config config) {
            this.base = config;
            return this;
        }

        public Config toConfig() {
            Config config = ConfigFactory.parseMap(values);
            if (!allow.isEmpty()) {
                List<String> all = new ArrayList<>(base.hasPath("egress-proxy.policy.allow")
                        ? base.getStringList("egress-proxy.policy.allow") : List.of());
                all.addAll(allow);
                config = config.withValue("egress-proxy.policy.allow", ConfigFactory.parseMap(Map.of("v", all)).getValue("v"));
            }
            if (!block.isEmpty()) {
                List<String> all = new ArrayList<>(base.hasPath("egress-proxy.policy.block")
                        ? base.getStringList("egress-proxy.policy.block") : List.of());
                all.addAll(block);
                config = config.withValue("egress-proxy.policy.block", ConfigFactory.parseMap(Map.of("v", all)).getValue("v"));
            }
            for (Map.Entry<String, String> e : dnsHosts.entrySet()) {
                config = config.withValue("egress-proxy.dns.hosts.\"" + e.getKey() + "\"",
                        ConfigFactory.parseMap(Map.of("v", e.getValue())).getValue("v"));
            }
            return config.withFallback(base);
        }

        public EgressProxy start() {
            return EgressProxy.start(toConfig());
        }
    }
}
