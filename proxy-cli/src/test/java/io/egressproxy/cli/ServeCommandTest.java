package io.egressproxy.cli;

import com.typesafe.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The serve command's flags and its failure modes, without sockets. */
@Timeout(30)
class ServeCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void flagsAreLaidOverTheConfigFile() throws Exception {
        Path conf = Files.writeString(dir.resolve("p.conf"),
                "egress-proxy { listen = \"127.0.0.1:9999\", policy { allow = [\"a.example.com\"], block = [\"b.example.com\"] } }");
        CommandLine cli = Main.commandLine();
        cli.parseArgs("serve", "--config", conf.toString(), "--listen", "127.0.0.1:0",
                "--allow-host", "c.example.com", "--allow-host", "localhost:12434", "--block-host", "d.example.com");
        ServeCommand serve = cli.getSubcommands().get("serve").getCommand();
        Config config = serve.effectiveConfig();
        assertThat(config.getString("egress-proxy.listen")).isEqualTo("127.0.0.1:0");
        assertThat(config.getStringList("egress-proxy.policy.allow")).containsExactly("a.example.com", "c.example.com", "localhost:12434");
        assertThat(config.getStringList("egress-proxy.policy.block")).containsExactly("b.example.com", "d.example.com");
        assertThat(config.getString("egress-proxy.limits.connect-timeout")).isEqualTo("10s");
    }

    @Test
    void aBadConfigFileExitsWithCode2AndSaysWhy() throws Exception {
        Path conf = Files.writeString(dir.resolve("bad.conf"), "egress-proxy.policy.allow = [\"*\"]");
        assertThat(run("serve", "--config", conf.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("configuration error", "bad.conf", "egress-proxy.policy.allow[0]", "too broad");
    }

    @Test
    void aBadFlagExitsWithCode2() {
        assertThat(run("serve", "--listen", "not-an-address")).isEqualTo(2);
        assertThat(err.toString()).contains("egress-proxy.listen", "HOST:PORT");
    }

    @Test
    void aMissingConfigFileExitsWithCode2() {
        assertThat(run("serve", "--config", dir.resolve("missing.conf").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("missing.conf does not exist");
    }

    @Test
    void helpAndVersion() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("serve");
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).contains("egress-proxy ");
        assertThat(run("serve", "--help")).isZero();
        assertThat(out.toString()).contains("--allow-host", "--block-host", "--listen", "--config");
    }
}
