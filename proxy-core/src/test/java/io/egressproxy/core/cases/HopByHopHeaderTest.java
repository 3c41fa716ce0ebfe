package io.egressproxy.core.cases;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * C27 items 1, 3 and 4 (item 2 needs interception): hop-by-hop headers,
 * {@code Proxy-Authorization} and {@code Connection}-listed names are removed on the way up and
 * on the way down; a {@code Connection} header naming {@code Connection} and
 * {@code Proxy-Connection} does no harm; no h2c upgrade happens.
 */
@Timeout(30)
class HopByHopHeaderTest {
    private static CaseBed bed;

    @RegisterExtension
    static final CaseBedExtension BED = new CaseBedExtension(started -> bed = started);

    @Test
    void hopByHopAndConnectionListedRequestHeadersNeverReachTheUpstream() throws Exception {
        String request = "GET " + bed.url("www.example.com", "/echo") + " HTTP/1.1\r\nHost: " + bed.authority("www.example.com")
                + "\r\nProxy-Authorization: Basic dXNlcjpwYXNz\r\nProxy-Connection: keep-alive\r\n"
                + "Connection: keep-alive, X-Trace-Secret\r\nX-Trace-Secret: s1\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n";

        CaseBed.Outcome outcome = bed.exchange(request);

        assertThat(outcome.status()).as("no h2c upgrade: %s", outcome.reply()).isEqualTo(200);
        assertThat(outcome.reply().header("Upgrade")).isNull();
        String head = headLines(bed.u3.raw());
        for (String name : List.of("proxy-authorization", "proxy-connection", "keep-alive", "te", "upgrade",
                "http2-settings", "x-trace-secret")) {
            assertThat(head).as("U3 received header %s", name).doesNotContain("\n" + name + ":");
        }
        assertThat(bed.u3.raw()).doesNotContain("dXNlcjpwYXNz").doesNotContain("AAMAAABkAAQAAP__");
        assertThat(head).contains("\nhost: " + bed.authority("www.example.com") + "\r");
        assertThat(outcome.closed()).as("keep-alive still works").isFalse();
        CaseBed.accessLine("GET " + bed.url("www.example.com", "/echo"), "decision=allow", "status=200");
    }

    @Test
    void connectionListingConnectionAndProxyConnectionIsHarmlessAndCloses() throws Exception {
        String request = "GET " + bed.url("www.example.com", "/echo") + " HTTP/1.1\r\nHost: " + bed.authority("www.example.com")
                + "\r\nConnection: Connection, Proxy-Connection, close\r\n\r\n";

        CaseBed.Outcome outcome = bed.exchange(request);

        assertThat(outcome.status()).as("%s", outcome.reply()).isEqualTo(200);
        assertThat(outcome.reply().bodyText()).startsWith("U3 GET /echo HTTP/1.1\n");
        assertThat(outcome.closed()).as("closed after the response (Connection: close)").isTrue();
        assertThat(headLines(bed.u3.raw())).contains("\nhost: " + bed.authority("www.example.com") + "\r")
                .doesNotContain("\nproxy-connection:");
        CaseBed.accessLine("GET " + bed.url("www.example.com", "/echo"), "decision=allow", "status=200");
    }

    @Test
    void connectionLevelResponseHeadersNeverReachTheClient() throws Exception {
        CaseBed.Outcome outcome = bed.exchange(bed.get("www.example.com", "/hop"));

        assertThat(outcome.status()).as("%s", outcome.reply()).isEqualTo(200);
        assertThat(outcome.reply().bodyText()).isEqualTo("hop\n");
        assertThat(outcome.reply().headers("X-Internal")).as("Connection-listed X-Internal").isEmpty();
        assertThat(outcome.reply().headers("Keep-Alive")).as("Keep-Alive: timeout=99").isEmpty();
        assertThat(outcome.reply().headers("Proxy-Authenticate")).as("an origin's Proxy-Authenticate").isEmpty();
        assertThat(outcome.reply().headers("Connection")).noneMatch(v -> v.toLowerCase(Locale.ROOT).contains("x-internal"));
        CaseBed.accessLine("GET " + bed.url("www.example.com", "/hop"), "decision=allow", "status=200");
    }

    /** The header block(s) of raw request bytes, lower-cased, each line starting after a '\n'. */
    private static String headLines(String raw) {
        return raw.toLowerCase(Locale.ROOT);
    }
}
