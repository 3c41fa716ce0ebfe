package io.egressproxy.cli.isolation;

import com.typesafe.config.ConfigFactory;
import io.egressproxy.core.EgressProxy;
import io.egressproxy.core.testing.OriginServer;
import io.egressproxy.core.testing.TestProxies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The bridge path's isolation in a Linux network namespace, with no Docker: a client inside the
 * namespace reaches the model-server stand-in (on the host's loopback) only through
 * bridge → proxy. The namespace has its own loopback and one veth link to the host, where the
 * proxy listens for this sandbox. Needs root and iproute2; skips otherwise.
 */
@Timeout(120)
class NetnsBridgeIsolationTest {
    private final String ns = "ep-test-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    private final int octet = ThreadLocalRandom.current().nextInt(1, 250);
    private final String hostSide = "10.214." + octet + ".1";
    private final String nsSide = "10.214." + octet + ".2";
    private final String hostVeth = "ep" + Integer.toHexString(octet) + "h";
    private final String nsVeth = "ep" + Integer.toHexString(octet) + "n";
    private Process bridge;

    @BeforeEach
    void namespace() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to create a network namespace");
        assumeTrue(Path.of("/usr/sbin/ip").toFile().canExecute() || Path.of("/sbin/ip").toFile().canExecute(), "needs iproute2");
        assumeTrue(run("ip", "netns", "add", ns) == 0, "cannot create network namespaces here");
        check("ip", "link", "add", hostVeth, "type", "veth", "peer", "name", nsVeth);
        check("ip", "link", "set", nsVeth, "netns", ns);
        check("ip", "addr", "add", hostSide + "/30", "dev", hostVeth);
        check("ip", "link", "set", hostVeth, "up");
        check("ip", "netns", "exec", ns, "ip", "addr", "add", nsSide + "/30", "dev", nsVeth);
        check("ip", "netns", "exec", ns, "ip", "link", "set", nsVeth, "up");
        check("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (bridge != null) {
            bridge.destroy();
            bridge.waitFor(10, TimeUnit.SECONDS);
        }
        run("ip", "link", "del", hostVeth);
        run("ip", "netns", "del", ns);
    }

    @Test
    void aClientInTheNamespaceReachesTheModelServerOnlyThroughBridgeAndProxy() throws Exception {
        try (OriginServer model = new OriginServer();
             EgressProxy proxy = TestProxies.builder().config(ConfigFactory.parseString(
                     "egress-proxy.sandboxes.netns { sources = [\"" + nsSide + "/32\"], allow = [\"localhost:" + model.port() + "\"] }"))
                     .listen(hostSide + ":0").start()) {
            int proxyPort = proxy.address().getPort();
            // The bridge runs inside the namespace, from the same classes as the CLI.
            List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "io.egressproxy.cli.Main", "bridge",
                    "--listen", "127.0.0.1:54321", "--target", "localhost:" + model.port(),
                    "--proxy", "http://" + hostSide + ":" + proxyPort));
            bridge = new ProcessBuilder(argv).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(bridge.getInputStream(), StandardCharsets.UTF_8));
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null && !line.contains("bridge listening")) {
                seen.append(line).append('\n');
            }
            assertThat(line).as("bridge output:\n" + seen).contains("bridge listening");
            Thread drain = new Thread(() -> {
                try {
                    out.transferTo(java.io.Writer.nullWriter());
                } catch (Exception ignored) {
                    // the bridge ended
                }
            });
            drain.setDaemon(true);
            drain.start();

            // Through the bridge: the model server answers.
            assertThat(curlInNamespace("http://127.0.0.1:54321/engines/llama.cpp/v1/models"))
                    .isEqualTo("hello from origin\n 200");
            // Directly: the host's loopback is not the namespace's, and the host side only has the proxy.
            assertThat(curlInNamespace("http://" + hostSide + ":" + model.port() + "/")).endsWith(" 000");
            assertThat(curlInNamespace("http://127.0.0.1:" + model.port() + "/")).endsWith(" 000");
            // Through the proxy itself, a host the sandbox may not reach is refused with the reason.
            assertThat(curlOutput("ip", "netns", "exec", ns, "curl", "-s", "--max-time", "5", "-x",
                    "http://" + hostSide + ":" + proxyPort, "-w", " %{http_code}", "http://localhost:1/"))
                    .endsWith(" 403").contains("not in the allow-list");
        }
    }

    private String curlInNamespace(String url) throws Exception {
        return curlOutput("ip", "netns", "exec", ns, "curl", "-s", "--noproxy", "*", "--max-time", "3",
                "-w", " %{http_code}", url);
    }

    private static String curlOutput(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(false).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(20, TimeUnit.SECONDS);
        return text;
    }

    private static int run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static void check(String... argv) throws Exception {
        int code = run(argv);
        if (code != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed with exit code " + code);
        }
    }
}
