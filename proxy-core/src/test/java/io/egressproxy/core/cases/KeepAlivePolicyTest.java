package io.egressproxy.core.cases;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * C28: the policy applies to every request on a keep-alive connection, sent one at a time and
 * pipelined in one write: {@code /a} from U3, 403 for evil.example.net (C1 untouched), {@code /c}
 * from www.example.net's own upstream (U4), never written into the www.example.com upstream
 * connection, and {@code /d} with body {@code abc}. After the 403 the connection may close; if
 * it stays open, the next requests are parsed and policed normally.
 */
@Timeout(30)
class KeepAlivePolicyTest {
    private static CaseBed bed;

    @RegisterExtension
    static final CaseBedExtension BED = new CaseBedExtension(started -> bed = started);

    private static List<String> requests() {
        return List.of(
                bed.get("www.example.com", "/a"),
                bed.get("evil.example.net", "/b"),
                bed.get("www.example.net", "/c"),
                "POST " + bed.url("www.example.com", "/d") + " HTTP/1.1\r\nHost: " + bed.authority("www.example.com")
                        + "\r\nContent-Length: 3\r\n\r\nabc");
    }

    @Test
    void everySequentialRequestOnOneConnectionIsPolicedAndRoutedByItsOwnHost() throws Exception {
        List<Wire.Reply> replies = new ArrayList<>();
        try (Wire wire = bed.connect()) {
            for (String request : requests()) {
                wire.send(request);
                Wire.Reply reply = wire.readReply(CaseBed.REPLY_MILLIS);
                if (reply == null) {
                    break;
                }
                replies.add(reply);
            }
        }
        assertReplies(replies);
    }

    @Test
    void everyPipelinedRequestInOneWriteIsPolicedAndRoutedByItsOwnHost() throws Exception {
        List<Wire.Reply> replies = new ArrayList<>();
        try (Wire wire = bed.connect()) {
            wire.send(String.join("", requests()));
            for (int i = 0; i < 4; i++) {
                Wire.Reply reply = wire.readReply(CaseBed.REPLY_MILLIS);
                if (reply == null) {
                    break;
                }
                replies.add(reply);
            }
            wire.closedWithin(300);
            assertThat(wire.extra()).as("nothing after the last response").isEmpty();
        }
        assertReplies(replies);
    }

    private static void assertReplies(List<Wire.Reply> replies) throws Exception {
        assertThat(replies).as("at least /a and the 403").hasSizeGreaterThanOrEqualTo(2);
        assertThat(replies.get(0).status()).isEqualTo(200);
        assertThat(replies.get(0).bodyText()).startsWith("U3 GET /a HTTP/1.1\n");
        assertThat(replies.get(1).status()).as("%s", replies.get(1)).isEqualTo(403);
        assertThat(replies.get(1).proxyError()).isEqualTo("denied");
        assertThat(replies.get(1).reason()).contains("host '" + bed.authority("evil.example.net") + "' is not in the allow-list");
        if (replies.size() > 2) {
            assertThat(replies).as("the connection stayed open, so /c and /d are answered").hasSize(4);
            assertThat(replies.get(2).status()).isEqualTo(200);
            assertThat(replies.get(2).header("X-Upstream")).as("/c answered by www.example.net's upstream").isEqualTo("U4");
            assertThat(replies.get(2).bodyText()).startsWith("U4 GET /c HTTP/1.1\n")
                    .contains("host: " + bed.authority("www.example.net") + "\n");
            assertThat(replies.get(3).status()).isEqualTo(200);
            assertThat(replies.get(3).bodyText()).startsWith("U3 POST /d HTTP/1.1\n").endsWith("\n\nabc");
            assertThat(bed.u4.raw()).contains("GET /c HTTP/1.1\r\n").doesNotContain("/a ").doesNotContain("/d ");
            CaseBed.accessLine("GET " + bed.url("www.example.net", "/c"), "decision=allow", "status=200");
            CaseBed.accessLine("POST " + bed.url("www.example.com", "/d"), "decision=allow", "status=200", "up=3");
        }
        String u3 = bed.u3.raw();
        assertThat(u3).contains("GET /a HTTP/1.1\r\n").doesNotContain("/b ").doesNotContain("/c ");
        assertThat(FramingRule.count(u3, " HTTP/1.1\r\n")).as("requests U3 received").isEqualTo(replies.size() > 2 ? 2 : 1);
        for (RecordingUpstream u : List.of(bed.u1, bed.u2)) {
            assertThat(u.raw()).as("%s", u.name()).isEmpty();
        }
        bed.assertCanariesUntouched();
        CaseBed.accessLine("GET " + bed.url("www.example.com", "/a"), "decision=allow", "status=200");
        CaseBed.accessLine("GET " + bed.url("evil.example.net", "/b"), "decision=deny", "status=403");
    }
}
