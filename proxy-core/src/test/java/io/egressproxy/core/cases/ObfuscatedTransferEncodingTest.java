package io.egressproxy.core.cases;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * C13: obfuscated {@code Transfer-Encoding} headers (space before the colon, control characters
 * around the name or value, lists, obs-fold, duplicates, a leading space on the first header) are
 * 400, close, nothing forwarded. {@code Chunked} with a capital C is chunked (coding names are
 * case-insensitive): with {@code Content-Length: 5} it falls under the generic framing rule, and
 * alone its body is parsed as chunked, never relayed raw.
 */
@Timeout(30)
class ObfuscatedTransferEncodingTest {
    private static CaseBed bed;

    @RegisterExtension
    static final CaseBedExtension BED = new CaseBedExtension(started -> bed = started);

    private static String template(String variant) {
        return "POST " + bed.url("www.example.com", "/echo") + " HTTP/1.1\r\nHost: " + bed.authority("www.example.com")
                + "\r\nContent-Length: 5\r\n" + variant + "\r\n\r\n0\r\n\r\n";
    }

    static Stream<Arguments> obfuscated() {
        return Stream.of(
                Arguments.of("1 space before colon", "Transfer-Encoding : chunked"),
                Arguments.of("2 form feed before the name", "\u000cTransfer-Encoding: chunked"),
                Arguments.of("2 unit separator after the name", "Transfer-Encoding\u001f: chunked"),
                Arguments.of("3 vertical tab before the value", "Transfer-Encoding:\u000bchunked"),
                Arguments.of("4 chunked, identity", "Transfer-Encoding: chunked, identity"),
                Arguments.of("4 xchunked", "Transfer-Encoding: xchunked"),
                Arguments.of("4 chunked, xchunked", "Transfer-Encoding: chunked, xchunked"),
                Arguments.of("4 chunked, (trailing comma)", "Transfer-Encoding: chunked,"),
                Arguments.of("5 obs-fold", "Transfer-Encoding:\r\n chunked"),
                Arguments.of("6 chunked then identity", "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity"));
    }

    @ParameterizedTest(name = "{0} -> 400, close, nothing forwarded")
    @MethodSource("obfuscated")
    void obfuscatedTransferEncodingIsRefused(String name, String variant) throws Exception {
        FramingRule.assertRefused(bed, bed.exchange(template(variant)));
    }

    @Test
    void leadingSpaceOnTheFirstHeaderLineIsRefused() throws Exception {
        String request = "POST " + bed.url("www.example.com", "/echo") + " HTTP/1.1\r\n Transfer-Encoding: chunked\r\nHost: "
                + bed.authority("www.example.com") + "\r\nContent-Length: 5\r\n\r\n0\r\n\r\n";

        FramingRule.assertRefused(bed, bed.exchange(request));
    }

    @Test
    void capitalChunkedWithContentLengthFollowsTheFramingRule() throws Exception {
        CaseBed.Outcome outcome = bed.exchange(template("Transfer-Encoding: Chunked"));

        FramingRule.assertRefusedOrForwardedOnce(bed, outcome, "", "Content-Length: 5");
    }

    @Test
    void capitalChunkedAloneIsParsedAsChunked() throws Exception {
        String request = "POST " + bed.url("www.example.com", "/echo") + " HTTP/1.1\r\nHost: " + bed.authority("www.example.com")
                + "\r\nTransfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";

        CaseBed.Outcome outcome = bed.exchange(request);

        assertThat(outcome.status()).as("%s", outcome.reply()).isEqualTo(200);
        assertThat(bed.u3.requests()).singleElement().satisfies(r -> {
            assertThat(r.complete()).isTrue();
            assertThat(r.bodyText()).as("body parsed as chunked").isEqualTo("hello");
            assertThat(r.header("Transfer-Encoding")).singleElement().asString().isEqualToIgnoringCase("chunked");
            assertThat(r.header("Content-Length")).isEmpty();
        });
        assertThat(outcome.extra()).isEmpty();
        CaseBed.accessLine("POST " + bed.url("www.example.com", "/echo"), "decision=allow", "status=200", "up=5");
    }
}
