package io.egressproxy.core.config;

import com.typesafe.config.ConfigFactory;
import io.egressproxy.core.EgressProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** Reading settings: defaults, overrides, and one clear message per kind of mistake. */
@Timeout(30)
class ProxySettingsTest {

    @Test
    void defaultsComeFromReferenceConf() {
        ProxySettings settings = ProxySettings.from(ProxyConfigs.defaults().resolve());
        assertThat(settings.listen()).isEqualTo(new HostAndPort("127.0.0.1", 3128));
        assertThat(settings.policy().allow()).isEmpty();
        assertThat(settings.limits().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.limits().maxHeaderBytes()).isEqualTo(64 * 1024);
        assertThat(settings.transport().preferNative()).isTrue();
    }

    @Test
    void theShippedProxyConfAllowsTheSeedScenarioHosts() {
        ProxySettings settings = ProxySettings.from(ProxyConfigs.load(Path.of("../conf/proxy.conf")));
        assertThat(settings.listen().toString()).isEqualTo("127.0.0.1:3128");
        assertThat(settings.policy().allow()).containsExactly("api.anthropic.com", "api.openai.com", "localhost:12434");
        assertThat(settings.policy().block()).isEmpty();
        assertThat(settings.policy().defaultPorts()).containsExactlyInAnyOrder(80, 443);
        assertThat(settings.credentials()).extracting(CredentialSettings::name).containsExactly("anthropic", "openai");
        assertThat(settings.credentials().get(0).headers()).containsEntry("x-api-key", "{secret}");
        assertThat(settings.credentials().get(1).headers()).containsEntry("Authorization", "Bearer {secret}");
        assertThat(settings.tls().intercept()).isEqualTo(TlsSettings.InterceptMode.CREDENTIALS);
    }

    @Test
    void aFileOverridesOnlyWhatItSays() {
        ProxySettings settings = ProxySettings.from(ProxyConfigs.withDefaults(ConfigFactory.parseString(
                "egress-proxy { listen = \"[::1]:0\", limits.idle-timeout = 30s, dns.hosts { \"Api.Test\" = \"127.0.0.1\" } }")));
        assertThat(settings.listen()).isEqualTo(new HostAndPort("::1", 0));
        assertThat(settings.limits().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.limits().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.dns().hosts()).containsOnlyKeys("api.test");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "listen-not-host-port.conf    | egress-proxy.listen              | expected HOST:PORT",
            "timeout-not-a-duration.conf  | egress-proxy.limits.connect-timeout | duration",
            "allow-too-broad.conf         | egress-proxy.policy.allow[1]     | too broad",
            "allow-not-a-list.conf        | policy.allow                     | expecting: list",
            "block-invalid-pattern.conf   | egress-proxy.policy.block[0]     | exa mple.com",
            "dns-host-not-an-address.conf | egress-proxy.dns.hosts           | expected an IP address",
            "syntax-error.conf            | syntax-error.conf                | ",
            "water-marks-inverted.conf    | egress-proxy.limits.write-buffer-high | at least",
            "misspelt-key.conf            | egress-proxy.policy.blok         | did you mean egress-proxy.policy.block?",
            "sandbox-misspelt-key.conf    | egress-proxy.sandboxes.alpha.alow | a sandbox takes allow,",
            "rule-misspelt-key.conf       | egress-proxy.policy.rules[0].method | unknown key; expected one of [host, methods, paths]",
            "credential-misspelt-key.conf | egress-proxy.credentials[0].allow-plain-htp | unknown key",
            "credential-placeholder-env-not-a-name.conf | egress-proxy.credentials[0].placeholder-env | not an environment variable name",
    })
    void eachConfigMistakeNamesTheFileKeyAndExpectation(String file, String key, String expectation) {
        Path path = Path.of("src/test/resources/conf/invalid", file);
        assertThatThrownBy(() -> EgressProxy.start(path))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining(file)
                .hasMessageContaining(key)
                .hasMessageContaining(expectation == null ? "" : expectation);
    }

    @Test
    void theSandboxPlaceholderVariableIsPlaceholderEnvElseEnvElseNone() {
        ProxySettings settings = ProxySettings.from(ProxyConfigs.withDefaults(ConfigFactory.parseString(
                "egress-proxy.credentials = ["
                        + " { name = literal-named, hosts = [a.example], header = x-k, secret = s1, placeholder-env = A_KEY },"
                        + " { name = from-env, hosts = [b.example], header = x-k, env = B_KEY_UNSET_7 },"
                        + " { name = env-overridden, hosts = [c.example], header = x-k, env = C_KEY_UNSET_7, placeholder-env = C_KEY },"
                        + " { name = literal-unnamed, hosts = [d.example], header = x-k, secret = s2 } ]")));
        assertThat(settings.credentials()).extracting(CredentialSettings::name, CredentialSettings::placeholderEnv)
                .containsExactly(tuple("literal-named", "A_KEY"),
                        tuple("from-env", "B_KEY_UNSET_7"),
                        tuple("env-overridden", "C_KEY"),
                        tuple("literal-unnamed", null));
    }

    @Test
    void aMissingFileSaysSo() {
        assertThatThrownBy(() -> ProxyConfigs.load(Path.of("no/such/file.conf")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("no/such/file.conf does not exist");
    }

    @Test
    void hostAndPortParsing() {
        assertThat(HostAndPort.parse("127.0.0.1:3128")).isEqualTo(new HostAndPort("127.0.0.1", 3128));
        assertThat(HostAndPort.parse("[::1]:80").toString()).isEqualTo("[::1]:80");
        assertThatThrownBy(() -> HostAndPort.parse("::1:80")).hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> HostAndPort.parse("host:99999")).hasMessageContaining("outside 0..65535");
    }
}
