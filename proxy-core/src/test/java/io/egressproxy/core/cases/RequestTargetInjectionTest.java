package io.egressproxy.core.cases;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Locale;
import java.util.stream.Stream;

import static io.egressproxy.core.cases.CaseBed.assertProxyError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * C33 items 1-6 (item 7 is the same inside an intercepted tunnel): a percent-encoded CR/LF in
 * the path is forwarded still encoded, with no extra header or request line upstream; raw
 * spaces, tabs, NUL and bare CR in the request-target or a header value are 400 with nothing
 * forwarded.
 */
@Timeout(30)
class RequestTargetInjectionTest {
    private static CaseBed bed;

    @RegisterExtension
    static final CaseBedExtension BED = new CaseBedExtension(started -> bed = started);

    @Test
    void percentEncodedCrLfInThePathIsForwardedStillEncoded() throws Exception {
        String request = "GET " + bed.url("www.example.com", "/a%0d%0aX-Injected:%201") + " HTTP/1.1\r\nHost: "
                + bed.authority("www.example.com") + "\r\n\r\n";

        CaseBed.Outcome outcome = bed.exchange(request);

        assertThat(outcome.status()).as("%s", outcome.reply()).isEqualTo(200);
        String raw = bed.u3.raw();
        assertThat(raw).startsWith("GET /a%0d%0aX-Injected:%201 HTTP/1.1\r\n");
        assertThat(raw.toLowerCase(Locale.ROOT)).doesNotContain("\nx-injected");
        assertThat(FramingRule.count(raw, " HTTP/1.1\r\n")).as("request lines U3 received").isEqualTo(1);
        assertThat(bed.u3.requests()).singleElement().satisfies(r -> {
            assertThat(r.uri()).isEqualTo("/a%0d%0aX-Injected:%201");
            assertThat(r.header("X-Injected")).isEmpty();
        });
        CaseBed.accessLine("GET " + bed.url("www.example.com", "/a%0d%0aX-Injected:%201"), "decision=allow", "status=200");
    }

    static Stream<Arguments> rawControlCharacters() {
        return Stream.of(
                Arguments.of("2 space in the target", "/a b", ""),
                Arguments.of("3 tab in the target", "/a\tb", ""),
                Arguments.of("4 NUL in the target", "/a\u0000b", ""),
                Arguments.of("5 bare CR in the target", "/a\rX-Injected: 1", ""),
                Arguments.of("6 bare CR in a header value", "/", "X-A: 1\rX-Injected: 2\r\n"));
    }

    @ParameterizedTest(name = "{0} -> 400, nothing forwarded")
    @MethodSource("rawControlCharacters")
    void rawWhiteSpaceAndControlCharactersAreRefused(String name, String path, String extraHeader) throws Exception {
        String request = "GET " + bed.url("www.example.com", path) + " HTTP/1.1\r\nHost: " + bed.authority("www.example.com")
                + "\r\n" + extraHeader + "\r\n";

        CaseBed.Outcome outcome = bed.exchange(request);

        assertProxyError(outcome, 400, "bad-request", "");
        assertThat(outcome.closed()).as("the connection is closed after a 400").isTrue();
        bed.assertNothingForwarded();
        CaseBed.accessLine("decision=error", "status=400");
    }
}
