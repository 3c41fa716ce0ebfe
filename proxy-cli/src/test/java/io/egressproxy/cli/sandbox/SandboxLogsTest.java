package io.egressproxy.cli.sandbox;

import io.egressproxy.cli.Main;
import io.egressproxy.core.EgressProxy;
import io.egressproxy.core.admin.AdminClient;
import io.egressproxy.core.admin.AdminToken;
import io.egressproxy.core.testing.OriginServer;
import io.egressproxy.core.testing.TestProxies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sandbox logs NAME} end to end: a proxy with two sandboxes registered and given listeners
 * as the launcher does, real requests through each listener, then the CLI (through the admin API)
 * shows this sandbox's allowed and denied requests with time, method, target, decision and reason,
 * and nothing of the other sandbox, of query strings or of secrets.
 */
@Timeout(60)
class SandboxLogsTest {
    private static final String SECRET = "logs-test-secret-5521";

    @TempDir
    Path dir;

    @Test
    void logsShowThisSandboxsAllowedAndDeniedRequestsAndNothingElse() throws Exception {
        try (OriginServer origin = new OriginServer();
             EgressProxy proxy = TestProxies.builder().config(com.typesafe.config.ConfigFactory.parseString(
                     "egress-proxy.credentials = [ { name = k, hosts = [\"localhost:" + origin.port() + "\"], header = x-api-key,"
                             + " secret = \"" + SECRET + "\", allow-plain-http = true } ]")).start()) {
            AdminClient adminClient = new AdminClient(URI.create("http://127.0.0.1:" + proxy.adminAddress().getPort() + "/"),
                    AdminToken.read(TestProxies.adminTokenFile()));
            ProxyAdmin admin = new AdminApi(adminClient);
            String target = "localhost:" + origin.port();
            HttpClient alpha = client(admin, "alpha", target);
            HttpClient beta = client(admin, "beta", target);

            assertThat(get(alpha, "http://" + target + "/alpha-path?token=query-secret").statusCode()).isEqualTo(200);
            HttpResponse<String> denied = get(alpha, "http://denied.invalid/x");
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(get(beta, "http://" + target + "/beta-path").statusCode()).isEqualTo(200);
            assertThat(origin.requests()).hasSize(2);

            Path conf = Files.writeString(dir.resolve("cli.conf"), "egress-proxy.admin { listen = \"127.0.0.1:"
                    + proxy.adminAddress().getPort() + "\", token-file = \"" + TestProxies.adminTokenFile() + "\" }\n");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            int code = cli.execute("sandbox", "logs", "alpha", "--config", conf.toString(), "--state-dir", dir.resolve("state").toString());
            assertThat(code).as(err.toString()).isZero();

            List<String> lines = out.toString().lines().toList();
            String time = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z";
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).as("oldest first").matches(time + " GET http://" + target + "/alpha-path allow status=200");
            assertThat(lines.get(1)).matches(time + " GET http://denied.invalid:80/x deny status=403 reason=.*not in the allow-list.*");
            assertThat(out.toString()).doesNotContain("beta-path", "query-secret", SECRET);
            // the proxy filters by sandbox itself
            assertThat(adminClient.get("v1/decisions?sandbox=beta")).contains("beta-path").doesNotContain("alpha", "denied.invalid");
        }
    }

    /** Registers the sandbox (default deny, {@code allow} allowed) and a client of its own listener, as the launcher does. */
    private static HttpClient client(ProxyAdmin admin, String sandbox, String allow) throws Exception {
        admin.register(sandbox, List.of(allow), List.of());
        String listen = admin.openListener(sandbox, "127.0.0.1:0");
        return HttpClient.newBuilder().proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", LaunchContext.port(listen))))
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
