package io.egressproxy.cli;

import io.egressproxy.bridge.config.BridgeSettings;
import io.egressproxy.bridge.config.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ca export/path} against a CA directory made by the test, and the bridge's flag handling. */
@Timeout(30)
class CaAndBridgeCommandTest {
    @TempDir
    Path dir;

    @Test
    void caExportPrintsAndWritesTheSameCertificateAndPathNamesIt() throws Exception {
        Path conf = Files.writeString(dir.resolve("p.conf"), "egress-proxy.tls.ca-dir = \"" + dir.resolve("ca") + "\"");
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        assertThat(cli.execute("ca", "export", "--config", conf.toString())).isZero();
        assertThat(out.toString()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Main.commandLine().execute("ca", "export", "--config", conf.toString(), "--out", dir.resolve("x.pem").toString())).isZero();
        assertThat(Files.readString(dir.resolve("x.pem"))).isEqualTo(out.toString());
        StringWriter path = new StringWriter();
        CommandLine pathCli = Main.commandLine();
        pathCli.setOut(new PrintWriter(path, true));
        assertThat(pathCli.execute("ca", "path", "--config", conf.toString())).isZero();
        assertThat(path.toString().trim()).isEqualTo(dir.resolve("ca/ca.pem").toString());
    }

    @Test
    void bridgeFlagsBecomeRoutesAndProxy() {
        CommandLine cli = Main.commandLine();
        cli.parseArgs("bridge", "--listen", "127.0.0.1:54321", "--target", "localhost:12434",
                "--route", "127.0.0.1:54322=localhost:8080", "--proxy", "http://sb:tok@127.0.0.1:3128", "--mode", "connect");
        BridgeCommand bridge = cli.getSubcommands().get("bridge").getCommand();
        BridgeSettings settings = bridge.settings();
        assertThat(settings.routes()).hasSize(2);
        assertThat(settings.routes().get(0).targetPort()).isEqualTo(12434);
        assertThat(settings.routes()).allMatch(r -> r.mode() == Mode.CONNECT);
        assertThat(settings.proxy()).isPresent();
        assertThat(settings.proxy().get().toString()).doesNotContain("tok");
    }

    @Test
    void bridgeWithoutProxyOrHalfARouteIsAConfigError() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("bridge", "--listen", "127.0.0.1:0")).isEqualTo(2);
        assertThat(err.toString()).contains("--listen and --target go together");
    }
}
