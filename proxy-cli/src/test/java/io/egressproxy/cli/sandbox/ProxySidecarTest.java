package io.egressproxy.cli.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sandbox run} starts the proxy when it is not running: a real {@code egress-proxy serve}
 * that answers /healthz, and that Ctrl-C in the terminal of the run that started it cannot stop
 * (it is in no process group or session of the caller's). Linux only: it reads /proc.
 */
@Timeout(90)
@EnabledOnOs(OS.LINUX)
class ProxySidecarTest {
    @TempDir
    Path dir;

    @Test
    void theStartedProxyAnswersAndIsOutsideTheCallersProcessGroupAndSession() throws Exception {
        int adminPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            adminPort = probe.getLocalPort();
        }
        Path conf = Files.writeString(dir.resolve("proxy.conf"), String.join("\n",
                "egress-proxy.listen = \"127.0.0.1:0\"",
                "egress-proxy.admin { listen = \"127.0.0.1:" + adminPort + "\", token-file = \"" + dir.resolve("admin.token") + "\" }",
                "egress-proxy.tls.ca-dir = \"" + dir.resolve("ca") + "\"", ""));
        URI admin = URI.create("http://127.0.0.1:" + adminPort + "/");
        Path state = dir.resolve("state");
        StringWriter err = new StringWriter();

        ProxySidecar.ensure(admin, conf, state, new PrintWriter(err, true));
        long pid = Long.parseLong(Files.readString(state.resolve("proxy.pid")).strip());
        try {
            assertThat(ProxySidecar.healthy(admin)).isTrue();
            assertThat(err.toString()).contains("started the proxy", "pid " + pid);
            DetachedProcessTest.ProcStat proxy = DetachedProcessTest.ProcStat.of(pid);
            DetachedProcessTest.ProcStat self = DetachedProcessTest.ProcStat.of(ProcessHandle.current().pid());
            assertThat(proxy.command()).as("the pid file names the proxy's JVM itself").isEqualTo("java");
            assertThat(proxy.processGroup()).isNotEqualTo(self.processGroup());
            assertThat(proxy.session()).isEqualTo(pid).isNotEqualTo(self.session());
            assertThat(Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/0"))).isEqualTo(Path.of("/dev/null"));
            assertThat(SandboxStoreTest.permissions(state)).isEqualTo("rwx------");
            assertThat(SandboxStoreTest.permissions(state.resolve("proxy.log"))).isEqualTo("rw-------");
            assertThat(SandboxStoreTest.permissions(state.resolve("proxy.pid"))).isEqualTo("rw-------");
        } finally {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroy();
                p.onExit().orTimeout(20, TimeUnit.SECONDS).join();
            });
        }
    }
}
