package io.egressproxy.core.cases;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.egressproxy.core.cases.CaseBed.assertProxyError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * C09: absolute URI vs Host header, origin-form, duplicate Host, no method. The README chose the
 * stricter answer for a Host that disagrees with the URI: 400 instead of C09 item 2's rewrite, so
 * no upstream ever sees a Host other than the one checked; item 1 (evil URI, allowed Host) falls
 * under the same documented rule. Every row is 400 and close, with nothing forwarded.
 * {@code P} in the table is the bed's shared port.
 */
@Timeout(30)
class HostHeaderAgreementTest {
    private static CaseBed bed;

    @RegisterExtension
    static final CaseBedExtension BED = new CaseBedExtension(started -> bed = started);

    static Stream<Arguments> inputs() {
        String agree = "they must agree";
        return Stream.of(
                Arguments.of("1: URI evil.example.net, Host www.example.com",
                        "GET http://evil.example.net:P/x HTTP/1.1\r\nHost: www.example.com:P\r\n\r\n", "bad-request", agree),
                Arguments.of("2: URI www.example.com, Host evil.example.net",
                        "GET http://www.example.com:P/x HTTP/1.1\r\nHost: evil.example.net:P\r\n\r\n", "bad-request", agree),
                Arguments.of("3: origin-form to the proxy",
                        "GET /x HTTP/1.1\r\nHost: www.example.com:P\r\n\r\n", "origin-form", "this is an egress proxy"),
                Arguments.of("4: two Host headers",
                        "GET http://www.example.com:P/x HTTP/1.1\r\nHost: www.example.com:P\r\nHost: evil.example.net:P\r\n\r\n",
                        "bad-request", "more than one Host header"),
                Arguments.of("5: two hosts in one Host header",
                        "GET http://www.example.com:P/x HTTP/1.1\r\nHost: www.example.com:P, evil.example.net:P\r\n\r\n",
                        "bad-request", "Host header is invalid"),
                Arguments.of("6: no method",
                        " http://www.example.com:P/ HTTP/1.1\r\nHost: www.example.com:P\r\n\r\n", "bad-request", ""));
    }

    @ParameterizedTest(name = "{0} -> 400 {2}")
    @MethodSource("inputs")
    void disagreeingOrAmbiguousTargetsAreRefusedWith400AndClose(String name, String template, String code,
                                                                 String reasonPart) throws Exception {
        CaseBed.Outcome outcome = bed.exchange(template.replace(":P", ":" + bed.port()));

        assertProxyError(outcome, 400, code, reasonPart);
        assertThat(outcome.closed()).as("the connection is closed after a 400").isTrue();
        bed.assertNothingForwarded();
        CaseBed.accessLine("decision=error", "status=400");
    }

    @Test
    void aRequestWithoutAMethodGetsAStaticErrorThatEchoesNothing() throws Exception {
        CaseBed.Outcome outcome = bed.exchange(" http://www.example.com:" + bed.port() + "/ HTTP/1.1\r\nHost: www.example.com:"
                + bed.port() + "\r\n\r\n");

        assertProxyError(outcome, 400, "bad-request", "");
        assertThat(outcome.reply().toString()).doesNotContain("www.example.com").doesNotContain("http://");
    }
}
