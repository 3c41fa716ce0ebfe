package io.egressproxy.core.cases;

import java.util.List;

import static io.egressproxy.core.cases.CaseBed.assertProxyError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generic pass rule for framing cases (CASES.md §0, C12-C16) as assertions: either
 * <ol type="a">
 *   <li>{@code 400}, the client connection closed, and nothing sent upstream; or</li>
 *   <li>the request forwarded once with exactly one unambiguous framing (a single
 *       {@code Content-Length} or re-encoded chunked, never both), and the client connection
 *       closed after the response;</li>
 * </ol>
 * and in no case an upstream seeing a request the proxy did not itself parse. For bodies that
 * fail while streaming (C15), the alternative to (a) is an aborted upstream exchange: the head
 * may have gone up, but no complete request, and the upstream connection is closed. Stateless.
 */
final class FramingRule {
    private FramingRule() {
    }

    /** (a) only: 400 from the proxy, closed, nothing forwarded. */
    static void assertRefused(CaseBed bed, CaseBed.Outcome outcome) throws InterruptedException {
        assertProxyError(outcome, 400, "bad-request", "");
        assertThat(outcome.closed()).as("the client connection is closed after the 400: %s", outcome.reply()).isTrue();
        bed.assertNothingForwarded();
        CaseBed.accessLine("decision=error", "status=400");
    }

    /** (a), or (b) with the body U3 must have received; {@code neverUpstream} appear in no upstream's bytes. */
    static void assertRefusedOrForwardedOnce(CaseBed bed, CaseBed.Outcome outcome, String expectedBody,
                                             String... neverUpstream) throws InterruptedException {
        assertThat(outcome.reply()).as("a reply").isNotNull();
        if (outcome.reply().proxyError() != null) {
            assertRefused(bed, outcome);
            return;
        }
        assertThat(outcome.status()).as("forwarded: %s", outcome.reply()).isEqualTo(200);
        assertThat(outcome.reply().header("X-Upstream")).isEqualTo("U3");
        Thread.sleep(50);
        List<RecordingUpstream.Request> seen = bed.u3.requests();
        assertThat(seen).as("requests U3 parsed").hasSize(1);
        RecordingUpstream.Request request = seen.get(0);
        assertThat(request.complete()).as("U3 parsed one complete request").isTrue();
        List<String> cl = request.header("Content-Length");
        List<String> te = request.header("Transfer-Encoding");
        assertThat(cl.size() + te.size()).as("exactly one framing header upstream: CL %s TE %s", cl, te).isEqualTo(1);
        if (!te.isEmpty()) {
            assertThat(te.get(0)).as("re-encoded chunked").isEqualToIgnoringCase("chunked");
        } else {
            assertThat(cl.get(0)).as("Content-Length matches the body sent").isEqualTo(String.valueOf(request.bodyLength()));
        }
        assertThat(request.bodyText()).as("the body U3 received").isEqualTo(expectedBody);
        assertThat(count(bed.u3.raw(), " HTTP/1.1\r\n")).as("request lines U3 received").isEqualTo(1);
        assertNeverUpstream(bed, neverUpstream);
        assertThat(outcome.closed()).as("the client connection is closed after the response (framing rule b)").isTrue();
        assertThat(outcome.extra()).as("no second response").isEmpty();
        bed.assertCanariesUntouched();
        CaseBed.accessLine("POST " + bed.url("www.example.com", "/echo"), "decision=allow", "status=200");
    }

    /** (a), or an aborted upstream exchange: no complete request upstream, the upstream connection closed. */
    static void assertRefusedOrAborted(CaseBed bed, CaseBed.Outcome outcome, String... neverUpstream) throws Exception {
        Thread.sleep(100);
        assertThat(bed.u3.completeRequests())
                .as("complete requests U3 received (it must see none); the client got %s", outcome.reply()).isEmpty();
        long deadline = System.currentTimeMillis() + 2000;
        while (System.currentTimeMillis() < deadline
                && !bed.u3.connections().stream().allMatch(c -> c.closed() || c.total() == 0)) {
            Thread.sleep(20);
        }
        if (outcome.reply() != null) {
            assertProxyError(outcome, 400, "bad-request", "");
            CaseBed.accessLine("decision=error", "status=400");
        }
        assertThat(outcome.closed()).as("the client connection is closed").isTrue();
        for (RecordingUpstream.Connection c : bed.u3.connections()) {
            if (c.total() > 0) {
                assertThat(c.closed()).as("the upstream connection that got the head is aborted").isTrue();
            }
        }
        for (RecordingUpstream u : List.of(bed.u1, bed.u2, bed.u4)) {
            assertThat(u.raw()).as("bytes %s received", u.name()).isEmpty();
        }
        assertNeverUpstream(bed, neverUpstream);
        bed.assertCanariesUntouched();
    }

    static void assertNeverUpstream(CaseBed bed, String... neverUpstream) {
        for (RecordingUpstream u : bed.upstreams()) {
            String raw = u.raw();
            for (String never : neverUpstream) {
                assertThat(raw).as("bytes %s received", u.name()).doesNotContain(never);
            }
        }
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
