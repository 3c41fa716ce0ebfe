package io.egressproxy.bridge.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class RouteTest {

    @Test
    void parsesListenEqualsTarget() {
        Route route = Route.parse("127.0.0.1:54321=localhost:12434");
        assertThat(route).isEqualTo(new Route("127.0.0.1", 54321, "localhost", 12434, Mode.HTTP));
        assertThat(route.listen()).isEqualTo("127.0.0.1:54321");
        assertThat(route.target()).isEqualTo("localhost:12434");
        assertThat(route.toString()).isEqualTo("127.0.0.1:54321=localhost:12434 (http)");
    }

    @Test
    void aBarePortListensOnLoopbackAndIpv6NeedsBrackets() {
        assertThat(Route.parse("54321=localhost:12434", Mode.CONNECT))
                .isEqualTo(new Route("127.0.0.1", 54321, "localhost", 12434, Mode.CONNECT));
        Route v6 = Route.parse("[::1]:0=[fd00::5]:443");
        assertThat(v6.listenHost()).isEqualTo("::1");
        assertThat(v6.target()).isEqualTo("[fd00::5]:443");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1:54321                      | expected LISTEN=TARGET",
            "a=b=c                                | expected LISTEN=TARGET",
            "127.0.0.1:54321=localhost            | invalid route target 'localhost': the port is missing",
            "127.0.0.1:54321=localhost:0          | has port 0",
            "127.0.0.1:x=localhost:1              | invalid listen address '127.0.0.1:x'",
            "=localhost:1                         | invalid listen address",
            "127.0.0.1:1=local/host:1             | characters a host name cannot have"})
    void rejectsMalformedRoutesSayingWhy(String spec, String expected) {
        assertThatThrownBy(() -> Route.parse(spec)).isInstanceOf(BridgeConfigException.class).hasMessageContaining(expected);
    }

    @Test
    void modeParsesItsWords() {
        assertThat(Mode.parse("HTTP")).isEqualTo(Mode.HTTP);
        assertThat(Mode.parse(" connect ")).isEqualTo(Mode.CONNECT);
        assertThatThrownBy(() -> Mode.parse("socks")).hasMessage("unknown bridge mode 'socks': expected http or connect");
    }
}
