package io.egressproxy.cli.sandbox;

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
 * leaves nothing of its own behind.
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
}
