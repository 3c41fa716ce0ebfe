package io.egressproxy.cli.sandbox;

import io.egressproxy.core.EgressProxy;
import io.egressproxy.core.testing.OriginServer;
import io.egressproxy.core.testing.TestProxies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher as a user runs it, in its own process, against a real Docker engine
 * ({@link RealDockerEngine}): an attached {@code sandbox run … -- CMD} shows CMD's output on the
 * CLI's stdout and exits with CMD's exit code, and the sandbox stays until {@code sandbox rm}; and
 * where iptables cannot be used, {@code run} says so clearly, the sandbox still works through the
 * proxy, and {@code rm} still removes it. A proxy and a loopback origin run in this JVM.
 */
@Tag("docker")
@EnabledOnOs(OS.LINUX)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RealDockerCliProcessTest {
    private static final String IMAGE = "egress-proxy-e2e-cli:latest";

    private static RealDockerEngine engine;

    @BeforeAll
    static void startDockerd() throws Exception {
        engine = RealDockerEngine.start();
        engine.importImage(engine.busyboxRootfs("rootfs", List.of("sh", "nc", "cat", "env", "sleep", "printf", "grep",
                "sed", "mkdir", "echo", "test", "head", "true")), IMAGE, "[\"/bin/sh\"]");
    }

    @AfterAll
    static void stopDockerd() throws Exception {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void anAttachedRunShowsTheCommandsOutputExitsWithItsCodeAndKeepsTheSandboxUntilRm() throws Exception {
        String name = "e2eatt" + Long.toHexString(System.nanoTime() & 0xfffff);
        try (OriginServer origin = new OriginServer(); EgressProxy proxy = TestProxies.builder().start()) {
            List<String> common = common(proxy, "att");
            try {
                // CMD talks to the origin through the proxy (the gateway from /etc/hosts, the port
                // from HTTP_PROXY), prints, and fails with its own code.
                String cmd = "echo hello-from-cmd; " + request("localhost:" + origin.port(), "/attached") + "; exit 7";
                CliProcess.Result run = CliProcess.run(InProcessCli.args(List.of("sandbox", "run", name, "--image", IMAGE,
                        "--allow-host", "localhost:" + origin.port()), common, List.of("--", "sh", "-c", cmd)), Map.of());
                assertThat(run.code()).as(run.err()).isEqualTo(7);
                assertThat(run.out()).contains("hello-from-cmd", "HTTP/1.1 200");
                assertThat(origin.requests()).extracting(OriginServer.Seen::path).contains("/attached");
                assertThat(run.err()).contains("sandbox " + name + " is still running (command exited with 7)",
                        "egress-proxy sandbox rm " + name);

                assertThat(engine.docker("inspect", "--format", "{{.State.Running}}", name).strip()).isEqualTo("true");
                CliProcess.Result again = CliProcess.run(InProcessCli.args(List.of("sandbox", "exec", name), common,
                        List.of("--", "sh", "-c", "echo second-session; exit 3")), Map.of());
                assertThat(again.code()).as(again.err()).isEqualTo(3);
                assertThat(again.out()).contains("second-session");
            } finally {
                removeAndCheck(name, common, Map.of());
            }
        }
    }

    @Test
    void withoutUsableIptablesRunWarnsClearlyTheSandboxStillWorksAndRmRemovesIt() throws Exception {
        String name = "e2enoipt" + Long.toHexString(System.nanoTime() & 0xfffff);
        // An iptables that refuses, as for a user without CAP_NET_ADMIN, first on the CLI's PATH.
        Path fakeBin = Files.createDirectories(engine.root().resolve("no-iptables-bin"));
        Path iptables = Files.writeString(fakeBin.resolve("iptables"), "#!/bin/sh\n"
                + "echo 'iptables v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)' >&2\n"
                + "exit 4\n");
        Files.setPosixFilePermissions(iptables, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = Map.of("PATH", fakeBin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        try (OriginServer origin = new OriginServer(); EgressProxy proxy = TestProxies.builder().start()) {
            List<String> common = common(proxy, "noipt");
            try {
                CliProcess.Result run = CliProcess.run(InProcessCli.args(List.of("sandbox", "run", name, "--image", IMAGE,
                        "--allow-host", "localhost:" + origin.port(), "--detach"), common, List.of("--", "sleep", "600")), env);
                assertThat(run.code()).as(run.err()).isZero();
                String port = engine.docker("exec", name, "sh", "-c", "echo ${HTTP_PROXY##*:}").strip();
                assertThat(run.err()).contains("WARNING: cannot add host firewall rules (iptables is missing or this user may not use it):",
                        "the container can reach every port the host listens on at 10.", "not only the proxy's " + port,
                        "Run as root with iptables installed");
                assertThat(engine.iptablesRules(name)).as("no rule was added").isEmpty();

                String answer = engine.docker("exec", name, "sh", "-c", request("localhost:" + origin.port(), "/no-iptables"));
                assertThat(answer).as("the sandbox still works through the proxy").startsWith("HTTP/1.1 200");
                String denied = engine.docker("exec", name, "sh", "-c", request("denied.invalid:8080", "/"));
                assertThat(denied).as("and its policy still holds").startsWith("HTTP/1.1 403");
            } finally {
                removeAndCheck(name, common, env);
            }
        }
    }

    /** {@code sandbox rm} in its own process; nothing of the sandbox is left. */
    private static void removeAndCheck(String name, List<String> common, Map<String, String> env) throws Exception {
        CliProcess.Result rm = CliProcess.run(InProcessCli.args(List.of("sandbox", "rm", name), common, List.of()), env);
        assertThat(rm.code()).as(rm.err()).isZero();
        assertThat(engine.docker("ps", "-aq", "--filter", "label=" + Labels.SANDBOX + "=" + name)).isBlank();
        assertThat(engine.docker("network", "ls", "-q", "--filter", "label=" + Labels.SANDBOX + "=" + name)).isBlank();
        assertThat(engine.iptablesRules(name)).isEmpty();
    }

    /** A shell snippet for the container: one proxy request to {@code authority}, printing the status line. */
    private static String request(String authority, String path) {
        return "gw=$(sed -n '/host.docker.internal/s/[[:space:]].*//p' /etc/hosts | head -n 1); "
                + "(printf 'GET http://" + authority + path + " HTTP/1.1\\r\\nHost: " + authority
                + "\\r\\nConnection: close\\r\\n\\r\\n'; sleep 3) | nc -w 5 \"$gw\" \"${HTTP_PROXY##*:}\" | head -n 1";
    }

    private static List<String> common(EgressProxy proxy, String tag) throws Exception {
        Path conf = Files.writeString(engine.root().resolve("cli-" + tag + ".conf"), "egress-proxy.admin { listen = \"127.0.0.1:"
                + proxy.adminAddress().getPort() + "\", token-file = \"" + TestProxies.adminTokenFile() + "\" }\n"
                + "egress-proxy.tls.ca-dir = \"" + TestProxies.caDir() + "\"\n");
        return List.of("--config", conf.toString(), "--docker", engine.dockerWrapper().toString(),
                "--state-dir", engine.root().resolve("state-" + tag).toString(), "--subnet-pool", "10.213.0.0/16");
    }

}
