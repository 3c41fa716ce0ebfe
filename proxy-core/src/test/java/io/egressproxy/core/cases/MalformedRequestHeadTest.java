package io.egressproxy.core.cases;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static io.egressproxy.core.cases.CaseBed.assertProxyError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * C17: oversized and malformed request heads, which Netty reports through
 * {@code decoderResult()} rather than by throwing: 431 (headers), 414 (target), 400 (version,
 * NUL, bare CR), the connection closed and nothing sent upstream (a truncated or partially parsed
 * request reaching U3 is the failure signature). An upstream response head of 1 MB is 502 to
 * the client. The proxy keeps serving either way (the control request after each input).
 */
@Timeout(30)
class MalformedRequestHeadTest {
    private static CaseBed bed;

    @RegisterExtension
    static final CaseBedExtension BED = new CaseBedExtension(started -> bed = started);

    private static String head(String requestLineTail, String headers) {
        return "GET " + bed.url("www.example.com", "/") + requestLineTail + "\r\nHost: " + bed.authority("www.example.com")
                + "\r\n" + headers + "\r\n";
    }

    static Stream<Arguments> heads() {
        Function<Integer, String> manyHeaders = n -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                sb.append("X-h").append(i).append(": v\r\n");
            }
            return sb.toString();
        };
        Function<Integer, String> manyCookies = n -> ("Cookie: a=" + "c".repeat(1000) + "\r\n").repeat(n);
        return Stream.of(
                Arguments.of("one 100 KB header", (Supplier<String>) () ->
                        head(" HTTP/1.1", "X-Big: " + "a".repeat(100_000) + "\r\n"), 431, "headers-too-large"),
                Arguments.of("10 000 small headers", (Supplier<String>) () ->
                        head(" HTTP/1.1", manyHeaders.apply(10_000)), 431, "headers-too-large"),
                Arguments.of("2 000 Cookie headers of 1 KB", (Supplier<String>) () ->
                        head(" HTTP/1.1", manyCookies.apply(2_000)), 431, "headers-too-large"),
                Arguments.of("100 KB request-target", (Supplier<String>) () ->
                        "GET " + bed.url("www.example.com", "/" + "a".repeat(100_000)) + " HTTP/1.1\r\nHost: "
                                + bed.authority("www.example.com") + "\r\n\r\n", 414, "uri-too-long"),
                Arguments.of("version HTTP/1.11", (Supplier<String>) () -> head(" HTTP/1.11", ""), 400, "bad-request"),
                Arguments.of("version HTTP/2.0", (Supplier<String>) () -> head(" HTTP/2.0", ""), 400, "bad-request"),
                Arguments.of("version HTTPS/1.1", (Supplier<String>) () -> head(" HTTPS/1.1", ""), 400, "bad-request"),
                Arguments.of("NUL between CR and LF of the request line", (Supplier<String>) () ->
                        "GET " + bed.url("www.example.com", "/") + " HTTP/1.1\r\u0000\nHost: " + bed.authority("www.example.com")
                                + "\r\n\r\n", 400, "bad-request"),
                Arguments.of("bare CR before CRLF in a header", (Supplier<String>) () ->
                        head(" HTTP/1.1", "X-A: 1\r\r\n"), 400, "bad-request"));
    }

    @ParameterizedTest(name = "{0} -> {2} and close")
    @MethodSource("heads")
    void oversizedOrMalformedHeadsAreRefusedAndClosedWithNothingForwarded(String name, Supplier<String> input,
                                                                          int status, String code) throws Exception {
        CaseBed.Outcome outcome = bed.exchange(input.get());

        assertProxyError(outcome, status, code, "");
        assertThat(outcome.closed()).as("the connection is closed").isTrue();
        bed.assertNothingForwarded();
        CaseBed.accessLine("decision=error", "status=" + status);
    }

    @Test
    void anUpstreamResponseHeadOfOneMegabyteIs502() throws Exception {
        CaseBed.Outcome outcome = bed.exchange(bed.get("www.example.com", "/bighead"));

        assertProxyError(outcome, 502, "upstream-bad-response", "www.example.com:" + bed.port());
        assertThat(outcome.reply().toString()).doesNotContain("aaaaaaaa");
        CaseBed.accessLine("GET " + bed.url("www.example.com", "/bighead"), "decision=error", "status=502");
    }
}
