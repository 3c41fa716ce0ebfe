package io.egressproxy.bridge;

import io.egressproxy.bridge.config.BridgeConfigException;
import io.egressproxy.bridge.config.BridgeSettings;
import io.egressproxy.bridge.config.ProxyAddress;
import io.egressproxy.bridge.config.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Starting and stopping a bridge, and the errors a person sees when it cannot start. */
@Timeout(30)
class BridgeStartTest {
    private static final ProxyAddress PROXY = ProxyAddress.parse("127.0.0.1:3128");

    @Test
    void severalRoutesListenInOneProcessInRouteOrder() throws Exception {
        BridgeSettings settings = TestBridges.settings().withProxy(PROXY)
                .withRoutes(List.of(Route.parse("127.0.0.1:0=localhost:1"), Route.parse("127.0.0.1:0=localhost:2")));
        List<InetSocketAddress> addresses;
        try (Bridge bridge = Bridge.start(settings)) {
            addresses = bridge.addresses();
            assertThat(addresses).hasSize(2).allMatch(a -> a.getPort() > 0 && a.getAddress().isLoopbackAddress());
            assertThat(addresses.get(0).getPort()).isNotEqualTo(addresses.get(1).getPort());
            for (InetSocketAddress address : addresses) {
                try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
                    assertThat(socket.isConnected()).isTrue();
                }
            }
        }
        assertThatThrownBy(() -> new Socket(addresses.get(0).getAddress(), addresses.get(0).getPort()).close())
                .as("closed bridge no longer listens").isInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void refusesToStartWithoutAProxy() {
        BridgeSettings settings = TestBridges.settings().withRoutes(List.of(Route.parse("127.0.0.1:0=localhost:1")));
        assertThatThrownBy(() -> Bridge.start(settings)).isInstanceOf(BridgeConfigException.class)
                .hasMessageStartingWith("no proxy given: pass --proxy or set HTTP_PROXY");
    }

    @Test
    void refusesToStartWithoutRoutes() {
        assertThatThrownBy(() -> Bridge.start(TestBridges.settings().withProxy(PROXY)))
                .hasMessageStartingWith("no routes given: pass --listen and --target, or --route LISTEN=TARGET");
    }

    @Test
    void aPortInUseIsNamedAndNothingIsLeftRunning() {
        BridgeSettings first = TestBridges.settings().withProxy(PROXY).withRoutes(List.of(Route.parse("127.0.0.1:0=localhost:1")));
        try (Bridge bridge = Bridge.start(first)) {
            int taken = bridge.addresses().get(0).getPort();
            BridgeSettings clash = first.withRoutes(List.of(Route.parse("127.0.0.1:0=localhost:2"),
                    Route.parse("127.0.0.1:" + taken + "=localhost:3")));
            assertThatThrownBy(() -> Bridge.start(clash)).isInstanceOf(BridgeConfigException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + taken)
                    .hasMessageContaining("is another process using the port?");
            BridgeSettings twice = first.withRoutes(List.of(Route.parse("127.0.0.1:5000=localhost:2"),
                    Route.parse("127.0.0.1:5000=localhost:3")));
            assertThatThrownBy(() -> Bridge.start(twice)).hasMessage("two routes listen on 127.0.0.1:5000; give each its own port");
        }
    }
}
