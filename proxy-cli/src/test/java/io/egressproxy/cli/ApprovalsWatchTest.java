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

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** `egress-proxy approvals --watch` shows a held request and a person's answer at the terminal lets it through. */
@Timeout(60)
class ApprovalsWatchTest {
    @TempDir
    Path dir;

    @Test
    void aPersonAnswersAHeldRequestAtTheTerminal() throws Exception {
        try (OriginServer origin = new OriginServer();
             EgressProxy proxy = TestProxies.builder().config(ConfigFactory.parseString(
                     "egress-proxy.policy { default = ask, ask-timeout = 30s }")).start()) {
            Path conf = Files.writeString(dir.resolve("cli.conf"), "egress-proxy.admin { listen = \"127.0.0.1:"
                    + proxy.adminAddress().getPort() + "\", token-file = \"" + TestProxies.adminTokenFile() + "\" }\n");
            String url = "http://" + origin.authority() + "/held";
            CompletableFuture<String> request = CompletableFuture.supplyAsync(() -> {
                try {
                    return Curl.run("-x", TestProxies.url(proxy), "-o", "/dev/null", "-w", "%{http_code}", url).out();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            InputStream realIn = System.in;
            StringWriter out = new StringWriter();
            // "A": allow and remember (an allow entry for that address, which the address guard accepts).
            System.setIn(new ByteArrayInputStream("A\n".getBytes(StandardCharsets.UTF_8)));
            Thread watcher = new Thread(() -> {
                CommandLine cli = Main.commandLine();
                cli.setOut(new PrintWriter(out, true));
                cli.execute("approvals", "--watch", "--config", conf.toString());
            });
            try {
                watcher.start();
                assertThat(request.get()).isEqualTo("200");
            } finally {
                watcher.interrupt();
                watcher.join(5000);
                System.setIn(realIn);
            }
            assertThat(out.toString()).contains("GET " + origin.authority() + " from (global)", "allowed");
        }
    }
}
