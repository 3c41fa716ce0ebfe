package io.egressproxy.bridge.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Everything a running bridge needs: its routes, the egress proxy (with optional credentials),
 * timeouts, limits and thread count. Read once from the {@code egress-proxy.bridge} section of a
 * config ({@link #from(Config)}), or built from those defaults by a command line
 * ({@link #defaults()} then the {@code with…} methods). The proxy may be absent here;
 * {@link #requireProxy()} reports that clearly when the bridge starts. Immutable.
 *
 * @param routes         what to listen on and where each route goes
 * @param proxy          the egress proxy; empty when neither config nor environment named one
 * @param connectTimeout how long connecting to the proxy may take
 * @param idleTimeout    a client connection with no traffic either way this long is closed; zero = never
 * @param limits         parsing sizes and write-buffer water marks
 * @param ioThreads      event-loop threads; 0 = Netty's default (twice the cores)
 */
public record BridgeSettings(List<Route> routes, Optional<ProxyAddress> proxy, Duration connectTimeout,
                             Duration idleTimeout, BridgeLimits limits, int ioThreads) {

    /** The config section this record is read from. */
    public static final String ROOT = "egress-proxy.bridge";

    public BridgeSettings {
        routes = List.copyOf(routes);
        proxy = proxy == null ? Optional.empty() : proxy;
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new BridgeConfigException("connect-timeout must be above zero, got " + connectTimeout);
        }
        if (idleTimeout.isNegative()) {
            throw new BridgeConfigException("idle-timeout must be zero (never) or more, got " + idleTimeout);
        }
    }

    /** The defaults from reference.conf, with the proxy taken from the process environment. */
    public static BridgeSettings defaults() {
        return from(BridgeConfigs.defaults());
    }

    /**
     * Reads {@code egress-proxy.bridge} from a resolved config that has reference.conf as its
     * fallback (see {@link BridgeConfigs}). An empty {@code proxy} falls back to the process's
     * {@code HTTP_PROXY}, then {@code http_proxy}.
     */
    public static BridgeSettings from(Config root) {
        return from(root, System.getenv());
    }

    /** As {@link #from(Config)}, with the environment given (for tests and embedding). */
    public static BridgeSettings from(Config root, Map<String, String> environment) {
        Config c;
        try {
            root.checkValid(BridgeConfigs.defaults(), ROOT);
            c = root.getConfig(ROOT);
        } catch (ConfigException e) {
            throw new BridgeConfigException(e.getMessage(), e);
        }
        Mode defaultMode = read(c, "mode", p -> Mode.parse(c.getString(p)));
        String proxyText = read(c, "proxy", c::getString);
        Optional<ProxyAddress> proxy = proxyText.isBlank()
                ? ProxyAddress.fromEnvironment(environment)
                : Optional.of(read(c, "proxy", p -> ProxyAddress.parse(proxyText)));
        BridgeLimits limits = read(c, "write-buffer-high", p -> new BridgeLimits(
                bytes(c, "max-initial-line-length"), bytes(c, "max-header-bytes"), bytes(c, "max-chunk-size"),
                bytes(c, "write-buffer-low"), bytes(c, "write-buffer-high")));
        int threads = read(c, "io-threads", c::getInt);
        if (threads < 0 || threads > 256) {
            throw invalid(c, "io-threads", "expected 0 (default) to 256, got " + threads);
        }
        Duration connectTimeout = read(c, "connect-timeout", c::getDuration);
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw invalid(c, "connect-timeout", "expected a duration above zero (e.g. 10s), got " + connectTimeout);
        }
        Duration idleTimeout = read(c, "idle-timeout", c::getDuration);
        if (idleTimeout.isNegative()) {
            throw invalid(c, "idle-timeout", "expected 0 (never) or a positive duration (e.g. 5m), got " + idleTimeout);
        }
        return new BridgeSettings(readRoutes(c, defaultMode), proxy, connectTimeout, idleTimeout, limits, threads);
    }

    private static List<Route> readRoutes(Config c, Mode defaultMode) {
        ConfigList list = read(c, "routes", c::getList);
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            ConfigValue value = list.get(i);
            String where = value.origin().description() + ": " + ROOT + ".routes[" + i + "]: ";
            try {
                routes.add(readRoute(value, defaultMode));
            } catch (BridgeConfigException | ConfigException e) {
                throw new BridgeConfigException(where + e.getMessage(), e);
            }
        }
        return routes;
    }

    private static Route readRoute(ConfigValue value, Mode defaultMode) {
        if (value.valueType() == ConfigValueType.STRING) {
            return Route.parse((String) value.unwrapped(), defaultMode);
        }
        if (value.valueType() != ConfigValueType.OBJECT) {
            throw new BridgeConfigException("expected { listen = \"HOST:PORT\", target = \"HOST:PORT\", mode = http }"
                    + " or \"LISTEN=TARGET\", got " + value.valueType().name().toLowerCase(java.util.Locale.ROOT));
        }
        Config route = ((ConfigObject) value).toConfig();
        Set<String> unknown = new HashSet<>(route.root().keySet());
        unknown.removeAll(Set.of("listen", "target", "mode"));
        if (!unknown.isEmpty()) {
            throw new BridgeConfigException("unknown key(s) " + unknown + "; a route has listen, target and mode");
        }
        if (!route.hasPath("listen") || !route.hasPath("target")) {
            throw new BridgeConfigException("a route needs both listen and target, e.g."
                    + " { listen = \"127.0.0.1:54321\", target = \"localhost:12434\" }");
        }
        Mode mode = route.hasPath("mode") ? Mode.parse(route.getString("mode")) : defaultMode;
        return Route.of(route.getString("listen"), route.getString("target"), mode);
    }

    private static int bytes(Config c, String path) {
        long value = c.getBytes(path);
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw invalid(c, path, "expected a size from 1 byte to 2GiB (e.g. 64KiB), got " + value);
        }
        return (int) value;
    }

    /** The proxy, or an error saying how to give one. */
    public ProxyAddress requireProxy() {
        return proxy.orElseThrow(() -> new BridgeConfigException(
                "no proxy given: pass --proxy or set HTTP_PROXY (e.g. http://host.docker.internal:3128)"));
    }

    public BridgeSettings withRoutes(List<Route> newRoutes) {
        return new BridgeSettings(newRoutes, proxy, connectTimeout, idleTimeout, limits, ioThreads);
    }

    public BridgeSettings withProxy(ProxyAddress newProxy) {
        return new BridgeSettings(routes, Optional.ofNullable(newProxy), connectTimeout, idleTimeout, limits, ioThreads);
    }

    public BridgeSettings withConnectTimeout(Duration timeout) {
        return new BridgeSettings(routes, proxy, timeout, idleTimeout, limits, ioThreads);
    }

    public BridgeSettings withIdleTimeout(Duration timeout) {
        return new BridgeSettings(routes, proxy, connectTimeout, timeout, limits, ioThreads);
    }

    /**
     * Reads one value, turning any failure into an error that names where it was written, the
     * key and the problem.
     */
    private static <T> T read(Config c, String path, Function<String, T> getter) {
        try {
            return getter.apply(path);
        } catch (ConfigException.Missing e) {
            throw new BridgeConfigException(ROOT + "." + path + ": missing; it has a default in reference.conf, so the"
                    + " config was built without it (use BridgeConfigs.load or BridgeConfigs.withDefaults)", e);
        } catch (ConfigException e) {
            throw new BridgeConfigException(e.getMessage(), e);
        } catch (BridgeConfigException e) {
            if (e.getMessage().contains(ROOT + ".")) {
                throw e;
            }
            throw invalid(c, path, e.getMessage());
        }
    }

    private static BridgeConfigException invalid(Config c, String path, String problem) {
        String where = c.hasPath(path) ? c.getValue(path).origin().description() + ": " : "";
        return new BridgeConfigException(where + ROOT + "." + path + ": " + problem);
    }
}
