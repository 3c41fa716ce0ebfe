package io.egressproxy.bridge.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class ProxyAddressTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "http://host.docker.internal:3128      | host.docker.internal | 3128 | -     | -",
            "HTTP://Proxy.Test:3128/               | Proxy.Test           | 3128 | -     | -",
            "http://proxy.test                     | proxy.test           | 80   | -     | -",
            "proxy.test:3128                       | proxy.test           | 3128 | -     | -",
            "127.0.0.1:3128                        | 127.0.0.1            | 3128 | -     | -",
            "http://[::1]:3128                     | ::1                  | 3128 | -     | -",
            "http://sandbox:tok@host.docker.internal:3128 | host.docker.internal | 3128 | sandbox | tok",
            "http://a%3Ab:p%40ss%25@proxy.test:1   | proxy.test           | 1    | a:b   | p@ss%",
            "http://user@proxy.test:1              | proxy.test           | 1    | user  | ''",
            "http://u:p@ss@proxy.test:1            | proxy.test           | 1    | u     | p@ss"})
    void parsesTheFormsFoundInHttpProxy(String url, String host, int port, String user, String password) {
        ProxyAddress address = ProxyAddress.parse(url);
        assertThat(address.host()).isEqualTo(host);
        assertThat(address.port()).isEqualTo(port);
        assertThat(address.credentials().map(ProxyCredentials::user)).isEqualTo(Optional.ofNullable(user));
        assertThat(address.credentials().map(ProxyCredentials::password)).isEqualTo(Optional.ofNullable(password));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "''                               | proxy URL is empty",
            "https://proxy.test:3128          | scheme 'https' is not supported",
            "socks5://proxy.test:1080         | scheme 'socks5' is not supported",
            "proxy.test                       | the port is missing",
            "http://proxy.test:3128/path      | a proxy URL has no path",
            "http://proxy.test:http           | 'http' is not a port",
            "http://proxy.test:70000          | '70000' is not a port",
            "http://proxy.test:0              | port 0 is not a proxy port",
            "http://:3128                     | the host is missing",
            "http://u:bad%zz@proxy.test:3128  | not followed by two hex digits",
            "::1:3128                         | write an IPv6 address in brackets"})
    void rejectsWhatIsNotAProxyUrlSayingWhy(String url, String expected) {
        assertThatThrownBy(() -> ProxyAddress.parse(url))
                .isInstanceOf(BridgeConfigException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void errorsAndToStringNeverShowThePassword() {
        assertThatThrownBy(() -> ProxyAddress.parse("http://sandbox:hunter2@proxy.test:notaport"))
                .hasMessageContaining("http://***@proxy.test:notaport")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
        ProxyAddress address = ProxyAddress.parse("http://sandbox:hunter2@proxy.test:3128");
        assertThat(address.toString()).isEqualTo("proxy.test:3128");
        assertThat(address.credentials().orElseThrow().toString()).doesNotContain("hunter2").contains("sandbox");
        assertThat(String.valueOf(address.credentials())).doesNotContain("hunter2");
    }

    @Test
    void credentialsBecomeABasicProxyAuthorization() {
        assertThat(ProxyAddress.parse("http://Aladdin:open%20sesame@p:1").credentials().orElseThrow().authorization())
                .isEqualTo("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    }

    @Test
    void environmentPrefersHttpProxyThenHttpProxyLowerCaseAndSkipsEmptyValues() {
        assertThat(ProxyAddress.fromEnvironment(Map.of())).isEmpty();
        assertThat(ProxyAddress.fromEnvironment(Map.of("http_proxy", "http://lower:2"))).map(ProxyAddress::host).hasValue("lower");
        assertThat(ProxyAddress.fromEnvironment(Map.of("HTTP_PROXY", "http://upper:1", "http_proxy", "http://lower:2")))
                .map(ProxyAddress::host).hasValue("upper");
        assertThat(ProxyAddress.fromEnvironment(Map.of("HTTP_PROXY", " ", "http_proxy", "http://lower:2")))
                .map(ProxyAddress::host).hasValue("lower");
        assertThatThrownBy(() -> ProxyAddress.fromEnvironment(Map.of("HTTP_PROXY", "ftp://x:1")))
                .hasMessageStartingWith("environment variable HTTP_PROXY: invalid proxy URL 'ftp://x:1'");
    }
}
