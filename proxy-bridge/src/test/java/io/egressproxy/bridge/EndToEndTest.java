package io.egressproxy.bridge;

import com.typesafe.config.ConfigFactory;
import io.egressproxy.bridge.config.BridgeConfigs;
import io.egressproxy.bridge.config.BridgeSettings;
import io.egressproxy.core.EgressProxy;
import io.egressproxy.core.testing.TestProxies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole path in one test, configured the way a sandbox is: HOCON routes, the proxy taken from
 * HTTP_PROXY; a client talks plain HTTP to the bridge on loopback, the bridge goes through the
 * egress proxy (which allows only {@code localhost:<port>}) to a stand-in local model server.
 */
@Timeout(60)
class EndToEndTest {

    @Test
    void clientReachesTheHostModelServerThroughBridgeAndProxy() throws Exception {
        try (ModelStandIn model = new ModelStandIn(6, 300);
             EgressProxy proxy = TestProxies.builder().allow(model.target()).start()) {
            BridgeSettings settings = BridgeSettings.from(BridgeConfigs.withDefaults(ConfigFactory.parseString(
                    "egress-proxy.bridge.routes = [ { listen = \"127.0.0.1:0\", target = \"" + model.target() + "\" } ]")),
                    Map.of("HTTP_PROXY", "http://sandbox:token@127.0.0.1:" + proxy.address().getPort()));
            try (Bridge bridge = Bridge.start(settings)) {
                String base = TestBridges.url(bridge.addresses().get(0)) + ModelStandIn.BASE;
                HttpClient client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();

                HttpResponse<String> models = client.send(HttpRequest.newBuilder(URI.create(base + "/models")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(models.statusCode()).isEqualTo(200);
                assertThat(models.body()).contains("\"id\":\"stand-in\"");
                assertThat(model.lastHeaders().get("host")).containsExactly(model.target());

                HttpResponse<InputStream> stream = client.send(HttpRequest.newBuilder(URI.create(base + "/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"stand-in\",\"stream\": true,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofInputStream());
                assertThat(stream.statusCode()).isEqualTo(200);
                List<Long> receivedAt = new ArrayList<>();
                StringBuilder body = new StringBuilder();
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        if (line.startsWith("data: {")) {
                            receivedAt.add(System.nanoTime());
                        }
                        body.append(line).append('\n');
                    }
                }
                List<Long> sentAt = model.sentAtNanos();
                assertThat(receivedAt).hasSize(6);
                assertThat(body.toString()).isEqualTo(model.streamedBody());
                // Each event reached the client before the stand-in sent the next one.
                for (int i = 0; i + 1 < sentAt.size(); i++) {
                    assertThat(receivedAt.get(i)).as("event %d received before event %d was sent", i, i + 1)
                            .isLessThan(sentAt.get(i + 1));
                }
                assertThat(TimeUnit.NANOSECONDS.toMillis(sentAt.get(5) - receivedAt.get(0))).isGreaterThan(1000);
            }
        }
    }
}
