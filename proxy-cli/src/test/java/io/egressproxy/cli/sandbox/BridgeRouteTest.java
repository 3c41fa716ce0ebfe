package io.egressproxy.cli.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --bridge LISTEN=TARGET} is checked when {@code run} starts, with the bridge's own rules and ports 1-65535. */
@Timeout(5)
class BridgeRouteTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            listen port above 65535 | 127.0.0.1:99999=localhost:12434 | --bridge '127.0.0.1:99999=localhost:12434': invalid listen address '127.0.0.1:99999': '99999' is not a port
            bare listen port too big | 70000=localhost:12434          | '70000' is not a port
            target port above 65535 | 54321=localhost:65536           | invalid route target 'localhost:65536': '65536' is not a port
            target port 0           | 54321=localhost:0               | has port 0
            target without a port   | 54321=localhost                 | the port is missing
            listen port 0           | 127.0.0.1:0=localhost:12434     | listen port 0 is a port nobody in the sandbox would know; name one from 1 to 65535
            no TARGET               | 54321                           | expected LISTEN=TARGET
            negative port           | 54321=localhost:-1              | '-1' is not a port
            """)
    void aRouteTheBridgeCouldNotUseIsRefused(String name, String route, String message) {
        assertThatThrownBy(() -> BridgeRoute.parse(route)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void aBarePortListensOnLoopbackAndBothEndsKeepTheirPorts() {
        assertThat(BridgeRoute.parse("54321=localhost:12434")).hasToString("127.0.0.1:54321=localhost:12434");
        assertThat(BridgeRoute.parse("0.0.0.0:1=db:65535")).hasToString("0.0.0.0:1=db:65535");
        assertThat(BridgeRoute.parse("[::1]:8080=localhost:80")).hasToString("[::1]:8080=localhost:80");
    }
}
