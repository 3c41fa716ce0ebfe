package io.egressproxy.cli.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What the launcher takes from the proxy's config: the placeholder variables of the credential rules. */
@Timeout(30)
class LauncherSetupTest {
    @TempDir
    Path dir;

    @Test
    void aSecretOnlyRuleGetsItsVariableFromPlaceholderEnv() throws Exception {
        LauncherSetup setup = setup("""
                egress-proxy.credentials = [
                  { name = named, hosts = ["a.example"], header = "x-api-key", secret = "s1",
                    placeholder = "ph-a", placeholder-env = "A_API_KEY" }
                  { name = unnamed, hosts = ["b.example"], header = "x-api-key", secret = "s2" }
                  { name = inactive, hosts = ["c.example"], header = "x-api-key", env = "EP_TEST_UNSET_VARIABLE_91" }
                ]
                """);
        assertThat(setup.placeholders()).containsExactly(java.util.Map.entry("A_API_KEY", "ph-a"));
        assertThat(setup.placeholderWarnings()).singleElement().asString()
                .contains("credential rule 'unnamed' names no variable", "placeholder-env");
    }

    @Test
    void anEnvRuleNamesItsOwnVariable() throws Exception {
        LauncherSetup setup = setup("""
                egress-proxy.credentials = [ { name = e, hosts = ["a.example"], header = "x-api-key", env = "PATH" } ]
                """);
        assertThat(setup.placeholders()).containsExactly(java.util.Map.entry("PATH", "egress-proxy-managed"));
        assertThat(setup.placeholderWarnings()).isEmpty();
    }

    private LauncherSetup setup(String conf) throws Exception {
        return new LauncherSetup(Files.writeString(dir.resolve("proxy.conf"), conf));
    }
}
