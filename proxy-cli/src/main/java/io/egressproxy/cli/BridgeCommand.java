package io.egressproxy.cli;

import io.egressproxy.bridge.Bridge;
import io.egressproxy.bridge.config.BridgeConfigException;
import io.egressproxy.bridge.config.BridgeConfigs;
import io.egressproxy.bridge.config.BridgeSettings;
import io.egressproxy.bridge.config.Mode;
import io.egressproxy.bridge.config.ProxyAddress;
import io.egressproxy.bridge.config.Route;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code egress-proxy bridge}: runs the in-sandbox bridge in the foreground. Routes come from
 * {@code --listen/--target}, from {@code --route LISTEN=TARGET} (repeatable) and from the config
 * file's {@code egress-proxy.bridge.routes}; the proxy from {@code --proxy}, the file, or
 * HTTP_PROXY / http_proxy.
 */
@Command(name = "bridge", mixinStandardHelpOptions = true,
        description = "Run the in-sandbox bridge: local plain-HTTP ports forwarded through the egress proxy to a target.")
final class BridgeCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "HOCON file with egress-proxy.bridge settings (see conf/bridge.conf).")
    Path config;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Where programs connect, e.g. 127.0.0.1:54321 (with --target).")
    String listen;

    @Option(names = "--target", paramLabel = "HOST:PORT", description = "Where requests go through the proxy, e.g. localhost:12434.")
    String target;

    @Option(names = "--route", paramLabel = "LISTEN=TARGET", description = "A route; repeatable, e.g. 127.0.0.1:54321=localhost:12434.")
    List<String> routes = new ArrayList<>();

    @Option(names = "--proxy", paramLabel = "URL", description = "The egress proxy, e.g. http://sandbox:token@host.docker.internal:3128 (default: HTTP_PROXY).")
    String proxy;

    @Option(names = "--mode", paramLabel = "http|connect", description = "http (default): re-send each request; connect: a CONNECT tunnel per connection.")
    String mode;

    @Override
    public Integer call() throws InterruptedException {
        BridgeSettings settings = settings();
        Bridge bridge = Bridge.start(settings);
        for (InetSocketAddress address : bridge.addresses()) {
            System.out.println("bridge listening on " + address.getAddress().getHostAddress() + ":" + address.getPort());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            bridge.close();
            stopped.countDown();
        }, "egress-proxy-bridge-shutdown"));
        stopped.await();
        return 0;
    }

    BridgeSettings settings() {
        BridgeSettings settings = BridgeSettings.from(config == null ? BridgeConfigs.defaults() : BridgeConfigs.load(config));
        Mode chosen = mode == null ? null : Mode.parse(mode);
        List<Route> all = new ArrayList<>();
        if (listen != null || target != null) {
            if (listen == null || target == null) {
                throw new BridgeConfigException("--listen and --target go together, e.g. --listen 127.0.0.1:54321 --target localhost:12434");
            }
            all.add(Route.parse(listen + "=" + target, chosen == null ? Mode.HTTP : chosen));
        }
        for (String route : routes) {
            all.add(Route.parse(route, chosen == null ? Mode.HTTP : chosen));
        }
        if (!all.isEmpty()) {
            settings = settings.withRoutes(all);
        }
        if (proxy != null) {
            settings = settings.withProxy(ProxyAddress.parse(proxy));
        }
        return settings;
    }
}
