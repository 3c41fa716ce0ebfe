package io.egressproxy.cli;

import com.typesafe.config.ConfigFactory;
import io.egressproxy.core.EgressProxy;
import io.egressproxy.core.testing.Curl;
import io.egressproxy.core.testing.OriginServer;
import io.egressproxy.core.testing.TestProxies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI's live-policy commands against a running proxy, through its admin API. */
@Timeout(60)
class LivePolicyCliTest {
    @TempDir
    Path dir;

    private String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        assertThat(code).as(err.toString()).isZero();
        return out.toString();
    }

    private static String status(EgressProxy proxy, String proxyUser, String url) throws Exception {
        String proxyUrl = proxyUser == null ? TestProxies.url(proxy)
                : "http://" + proxyUser + "@127.0.0.1:" + proxy.address().getPort();
        return Curl.run("-x", proxyUrl, "-o", "/dev/null", "-w", "%{http_code}", url).out();
    }

    @Test
    void allowHostThenSandboxAliasChangeTheRunningProxy() throws Exception {
        try (OriginServer origin = new OriginServer();
             EgressProxy proxy = TestProxies.builder().config(ConfigFactory.parseString(
                     "egress-proxy.sandboxes.agent { token = \"tk\" }")).start()) {
            Path conf = Files.writeString(dir.resolve("cli.conf"), "egress-proxy.admin { listen = \"127.0.0.1:"
                    + proxy.adminAddress().getPort() + "\", token-file = \"" + TestProxies.adminTokenFile() + "\" }\n");
            String url = "http://" + origin.authority() + "/";
            assertThat(status(proxy, null, url)).isEqualTo("403");
            String printed = run("policy", "allow-host", "--config", conf.toString(), "--ephemeral", origin.authority());
            assertThat(printed).contains("\"allow\"", origin.authority());
            assertThat(status(proxy, null, url)).isEqualTo("200");
            run("policy", "remove", "--config", conf.toString(), "--ephemeral", origin.authority());
            assertThat(status(proxy, null, url)).isEqualTo("403");

            assertThat(status(proxy, "agent:tk", url)).isEqualTo("403");
            run("sandbox", "network", "proxy", "agent", "--config", conf.toString(), "--ephemeral", "--allow-host", origin.authority());
            assertThat(status(proxy, "agent:tk", url)).isEqualTo("200");
            assertThat(status(proxy, null, url)).as("only the sandbox changed").isEqualTo("403");
            assertThat(run("policy", "show", "--config", conf.toString())).contains("\"agent\"");
        }
    }

    @Test
    void aChangeMadeWithTheCliSurvivesARestartThroughTheStateFile() throws Exception {
        try (OriginServer origin = new OriginServer()) {
            Path proxyConf = Files.writeString(dir.resolve("proxy.conf"), "egress-proxy.policy.allow = []\n");
            java.util.function.Supplier<com.typesafe.config.Config> reader = () -> TestProxies.builder()
                    .config(ConfigFactory.parseFile(proxyConf.toFile())).toConfig()
                    .withFallback(ConfigFactory.defaultReference()).resolve();
            String url = "http://" + origin.authority() + "/";
            try (EgressProxy proxy = EgressProxy.start(reader, proxyConf)) {
                Path cliConf = Files.writeString(dir.resolve("cli.conf"), "egress-proxy.admin { listen = \"127.0.0.1:"
                        + proxy.adminAddress().getPort() + "\", token-file = \"" + TestProxies.adminTokenFile() + "\" }\n");
                assertThat(status(proxy, null, url)).isEqualTo("403");
                run("policy", "allow-host", "--config", cliConf.toString(), origin.authority());
                assertThat(status(proxy, null, url)).isEqualTo("200");
            }
            try (EgressProxy restarted = EgressProxy.start(reader, proxyConf)) {
                assertThat(status(restarted, null, url)).as("kept in proxy.conf.state.json").isEqualTo("200");
            }
        }
    }

    @Test
    void withoutARunningProxyTheCommandSaysSo() throws Exception {
        Path conf = Files.writeString(dir.resolve("none.conf"), "egress-proxy.admin { listen = \"127.0.0.1:1\", token-file = \""
                + TestProxies.adminTokenFile() + "\" }\n");
        TestProxies.builder().start().close(); // makes sure the token file exists
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("policy", "show", "--config", conf.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("does not answer", "egress-proxy serve");
    }
}
