package io.egressproxy.bridge.config;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class BridgeSettingsTest {

    private static BridgeSettings read(String hocon, Map<String, String> env) {
        return BridgeSettings.from(BridgeConfigs.withDefaults(ConfigFactory.parseString(hocon)), env);
    }

    @Test
    void defaultsComeFromReferenceConf() {
        BridgeSettings settings = read("", Map.of());
        assertThat(settings.routes()).isEmpty();
        assertThat(settings.proxy()).isEmpty();
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.limits()).isEqualTo(new BridgeLimits(16384, 65536, 65536, 32768, 65536));
        assertThat(settings.ioThreads()).isZero();
        assertThatThrownBy(settings::requireProxy).hasMessageStartingWith("no proxy given: pass --proxy or set HTTP_PROXY");
    }

    @Test
    void readsRoutesAsObjectsOrStringsWithTheDefaultMode() {
        BridgeSettings settings = read("""
                egress-proxy.bridge {
                  proxy = "http://sandbox:tok@host.docker.internal:3128"
                  mode = connect
                  routes = [
                    { listen = "127.0.0.1:54321", target = "localhost:12434", mode = http }
                    { listen = "127.0.0.1:5432", target = "db.internal:5432" }
                    "15432=db.internal:15432"
                  ]
                  connect-timeout = 2s
                  idle-timeout = 0
                }""", Map.of("HTTP_PROXY", "http://ignored:1"));
        assertThat(settings.routes()).containsExactly(
                new Route("127.0.0.1", 54321, "localhost", 12434, Mode.HTTP),
                new Route("127.0.0.1", 5432, "db.internal", 5432, Mode.CONNECT),
                new Route("127.0.0.1", 15432, "db.internal", 15432, Mode.CONNECT));
        assertThat(settings.requireProxy().authority()).isEqualTo("host.docker.internal:3128");
        assertThat(settings.requireProxy().credentials().orElseThrow().user()).isEqualTo("sandbox");
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.idleTimeout()).isZero();
        assertThat(settings.toString()).doesNotContain("tok@").doesNotContain("password=tok");
    }

    @Test
    void anEmptyProxyFallsBackToHttpProxyThenLowerCase() {
        assertThat(read("", Map.of("HTTP_PROXY", "http://upper:1", "http_proxy", "http://lower:2")).requireProxy().host())
                .isEqualTo("upper");
        assertThat(read("", Map.of("http_proxy", "http://lower:2")).requireProxy().host()).isEqualTo("lower");
    }

    @Test
    void commandLineValuesReplaceConfiguredOnes() {
        BridgeSettings settings = read("", Map.of())
                .withProxy(ProxyAddress.parse("proxy.test:3128"))
                .withRoutes(List.of(Route.parse("1=a:2")))
                .withConnectTimeout(Duration.ofMillis(500))
                .withIdleTimeout(Duration.ofSeconds(30));
        assertThat(settings.requireProxy().toString()).isEqualTo("proxy.test:3128");
        assertThat(settings.routes()).hasSize(1);
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "proxy-https-scheme.conf              | egress-proxy.bridge.proxy: invalid proxy URL 'https://proxy.test:3128': scheme 'https' is not supported",
            "proxy-without-port.conf              | egress-proxy.bridge.proxy: invalid proxy URL 'proxy.test': invalid proxy address 'proxy.test': the port is missing",
            "unknown-mode.conf                    | egress-proxy.bridge.mode: unknown bridge mode 'tunnel': expected http or connect",
            "route-without-target.conf            | egress-proxy.bridge.routes[0]: a route needs both listen and target",
            "route-target-port-out-of-range.conf  | egress-proxy.bridge.routes[0]: invalid route target 'localhost:99999': '99999' is not a port",
            "route-unknown-key.conf               | egress-proxy.bridge.routes[0]: unknown key(s) [traget]; a route has listen, target and mode",
            "connect-timeout-zero.conf            | egress-proxy.bridge.connect-timeout: expected a duration above zero",
            "idle-timeout-not-a-duration.conf     | idle-timeout",
            "write-buffer-low-above-high.conf     | write-buffer-low (1048576) must not be above write-buffer-high (65536)",
            "routes-not-a-list.conf               | routes"})
    void eachInvalidFileIsRejectedWithItsKeyAndProblem(String file, String expected) throws URISyntaxException {
        Path path = Path.of(BridgeSettingsTest.class.getResource("/conf/invalid/" + file).toURI());
        assertThatThrownBy(() -> BridgeSettings.from(BridgeConfigs.load(path), Map.of()))
                .isInstanceOf(BridgeConfigException.class)
                .hasMessageContaining(expected)
                .hasMessageContaining(file);
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> BridgeConfigs.load(Path.of("/nonexistent/bridge.conf")))
                .hasMessageStartingWith("config file /nonexistent/bridge.conf does not exist");
    }

    @Test
    void theShippedExampleFileIsValid() {
        Path example = Path.of("..", "conf", "bridge.conf");
        BridgeSettings settings = BridgeSettings.from(BridgeConfigs.load(example), Map.of("HTTP_PROXY", "http://p:1"));
        assertThat(settings.routes()).isNotEmpty();
        assertThat(settings.requireProxy().host()).isEqualTo("p");
    }
}
