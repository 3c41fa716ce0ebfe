package io.egressproxy.cli.sandbox;

import com.typesafe.config.ConfigFactory;
import io.egressproxy.cli.Main;
import io.egressproxy.core.EgressProxy;
import io.egressproxy.core.admin.AdminClient;
import io.egressproxy.core.admin.AdminToken;
import io.egressproxy.core.testing.TestProxies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The launcher against a real proxy's admin API (docker is the recording fake, the micro-VM runtime
 * because its listener is on loopback): a failed run leaves what others registered alone, and
 * leaves nothing of its own behind; {@code rm} leaves nothing of the name in the proxy's state file.
 */
@Timeout(60)
class LauncherWithRealProxyTest {
    @TempDir
    Path dir;
    final List<String> log = new ArrayList<>();
    final StringWriter err = new StringWriter();

    private SandboxLauncher launcher(EgressProxy proxy) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        return new SandboxLauncher(new LaunchContext(new RecordingDocker(log, line -> false), new AdminApi(client(proxy)),
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), new SubnetPool("10.213.0.0/16", 24), ca,
                Files.write(dir.resolve("truststore.p12"), new byte[]{1, 2, 3}), null, Map.of(),
                new SandboxStore(dir.resolve("state")), false));
    }

    private static AdminClient client(EgressProxy proxy) throws Exception {
        return new AdminClient(URI.create("http://127.0.0.1:" + proxy.adminAddress().getPort() + "/"),
                AdminToken.read(TestProxies.adminTokenFile()));
    }

    private SandboxSpec spec(String name, List<String> allow) {
        return new SandboxSpec(name, "img", SandboxRuntimeKind.DOCKER_SANDBOX, allow, List.of(), List.of(), List.of(),
                List.of(), dir, true, List.of());
    }

    @Test
    void aRunOfANameRegisteredThroughTheApiLeavesThatSandboxAndItsListenerAlone() throws Exception {
        try (EgressProxy proxy = TestProxies.builder().start()) {
            AdminClient admin = client(proxy);
            admin.post("v1/sandboxes", "{\"name\": \"agent\", \"token\": \"t0k3n\"}");
            admin.post("v1/listeners", "{\"sandbox\": \"agent\", \"listen\": \"127.0.0.1:0\"}");

            assertThatThrownBy(() -> launcher(proxy).run(spec("agent", List.of("example.com"))))
                    .isInstanceOf(SandboxLauncher.LaunchException.class).hasMessageContaining("already registered");

            assertThat(admin.get("v1/sandboxes")).contains("\"agent\"");
            assertThat(admin.get("v1/listeners")).contains("agent");
            assertThat(log).as("nothing was created, so nothing was removed").isEmpty();
        }
    }

    @Test
    void aListTheProxyRefusesLeavesNoRegistrationBehind() throws Exception {
        try (EgressProxy proxy = TestProxies.builder().start()) {
            assertThatThrownBy(() -> launcher(proxy).run(spec("agent", List.of("not a host pattern"))))
                    .isInstanceOf(SandboxLauncher.LaunchException.class);
            assertThat(client(proxy).get("v1/sandboxes")).doesNotContain("agent");
        }
    }

    @Test
    void rmForgetsPolicySavedForTheNameSoANewSandboxOfTheNameStartsWithOnlyItsOwn() throws Exception {
        Path proxyConf = Files.writeString(dir.resolve("proxy.conf"), "egress-proxy.policy.allow = []\n");
        Path stateFile = dir.resolve("proxy.conf.state.json");
        for (boolean restartBeforeRm : new boolean[]{false, true}) {
            try (EgressProxy proxy = start(proxyConf)) {
                launcher(proxy).run(spec("agent", List.of("own.example.com")));
                cli(proxy, "sandbox", "network", "proxy", "agent", "--allow-host", "saved.example.com");
                assertThat(Files.readString(stateFile)).as("persisted, as the command does by default").contains("saved.example.com");
                if (!restartBeforeRm) {
                    launcher(proxy).remove("agent", SandboxRuntimeKind.DOCKER_SANDBOX);
                }
            }
            try (EgressProxy proxy = start(proxyConf)) {
                if (restartBeforeRm) {
                    // the launcher's registration is gone with the old process; the saved policy is not
                    launcher(proxy).remove("agent", SandboxRuntimeKind.DOCKER_SANDBOX);
                }
                assertThat(Files.readString(stateFile)).as("restart before rm: " + restartBeforeRm).doesNotContain("agent", "saved.example.com");
                launcher(proxy).run(spec("agent", List.of("new.example.com")));
                assertThat(client(proxy).get("v1/policy")).contains("new.example.com")
                        .doesNotContain("saved.example.com", "own.example.com");
                launcher(proxy).remove("agent", SandboxRuntimeKind.DOCKER_SANDBOX);
            }
        }
    }

    private static EgressProxy start(Path proxyConf) {
        return EgressProxy.start(() -> TestProxies.builder().config(ConfigFactory.parseFile(proxyConf.toFile())).toConfig()
                .withFallback(ConfigFactory.defaultReference()).resolve(), proxyConf);
    }

    /** Runs the CLI against this proxy's admin API, as a person would between launcher commands. */
    private void cli(EgressProxy proxy, String... args) throws Exception {
        Path conf = Files.writeString(dir.resolve("cli.conf"), "egress-proxy.admin { listen = \"127.0.0.1:"
                + proxy.adminAddress().getPort() + "\", token-file = \"" + TestProxies.adminTokenFile() + "\" }\n");
        StringWriter cliErr = new StringWriter();
        picocli.CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(cliErr, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--config", conf.toString()));
        assertThat(cli.execute(all.toArray(String[]::new))).as(cliErr.toString()).isZero();
    }
}
