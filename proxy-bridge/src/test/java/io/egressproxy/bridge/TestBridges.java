package io.egressproxy.bridge;

import com.typesafe.config.ConfigFactory;
import io.egressproxy.bridge.config.BridgeConfigs;
import io.egressproxy.bridge.config.BridgeSettings;
import io.egressproxy.bridge.config.ProxyAddress;
import io.egressproxy.bridge.config.Route;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Bridges for tests: settings from reference.conf with no environment, short timeouts. */
final class TestBridges {
    private TestBridges() {
    }

    /** The defaults, with an empty environment (so a developer's HTTP_PROXY never leaks in). */
    static BridgeSettings settings() {
        return BridgeSettings.from(BridgeConfigs.withDefaults(ConfigFactory.empty()), Map.of())
                .withConnectTimeout(Duration.ofSeconds(3));
    }

    static Bridge start(String proxyUrl, Route... routes) {
        return Bridge.start(settings().withProxy(ProxyAddress.parse(proxyUrl)).withRoutes(List.of(routes)));
    }

    /** {@code http://127.0.0.1:PORT} of a listening address. */
    static String url(InetSocketAddress address) {
        return "http://127.0.0.1:" + address.getPort();
    }

    /** A loopback port nothing listens on (bound, then released). */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
