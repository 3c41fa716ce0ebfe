package io.egressproxy.core.cases;

import org.junit.jupiter.api.extension.RegisterExtension;
import io.egressproxy.core.testing.TestProxies;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.egressproxy.core.cases.CaseBed.assertProxyError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * C08: authority confusion in the absolute-form URI (userinfo, {@code ?}, {@code \}, {@code #},
 * {@code %2e}, {@code %00}). Userinfo forms get 400 (the README's choice; RFC 9110 forbids
 * userinfo in http URIs), the {@code ?} form is 403 for evil.example.net, and backslash, fragment
 * and percent signs in the authority are 400. Neither C1 nor U3 is contacted, and nothing is even
 * resolved: the host checked is the host that would be dialled, from one parse. Each input is
 * sent as CASES.md spells it (port 80) and with the bed's shared port {@code P}.
 */
@Timeout(30)
class AuthorityConfusionTest {
    private static CaseBed bed;

    @RegisterExtension
    static final CaseBedExtension BED = new CaseBedExtension(started -> bed = started);

    static Stream<Arguments> inputs() {
        String userinfo = "user information ('user@host')";
        String badChar = "contains a character that is not allowed there";
        return Stream.of(
                Arguments.of("userinfo api.example.com@evil",
                        "GET http://api.example.com@evil.example.net/ HTTP/1.1\r\nHost: evil.example.net\r\n\r\n", 400, userinfo),
                Arguments.of("userinfo api.example.com@evil, port P",
                        "GET http://api.example.com@evil.example.net:P/ HTTP/1.1\r\nHost: evil.example.net:P\r\n\r\n", 400, userinfo),
                Arguments.of("userinfo www.example.com:80@evil",
                        "GET http://www.example.com:80@evil.example.net/ HTTP/1.1\r\nHost: evil.example.net\r\n\r\n", 400, userinfo),
                Arguments.of("userinfo www.example.com:P@evil, port P",
                        "GET http://www.example.com:P@evil.example.net:P/ HTTP/1.1\r\nHost: evil.example.net:P\r\n\r\n", 400, userinfo),
                Arguments.of("query evil?.www.example.com",
                        "GET http://evil.example.net?.www.example.com/ HTTP/1.1\r\nHost: evil.example.net\r\n\r\n", 403,
                        "host 'evil.example.net:80' is not in the allow-list"),
                Arguments.of("query evil?.www.example.com, port P",
                        "GET http://evil.example.net:P?.www.example.com:P/ HTTP/1.1\r\nHost: evil.example.net:P\r\n\r\n", 403,
                        "host 'evil.example.net:P' is not in the allow-list"),
                Arguments.of("backslash evil\\@www.example.com",
                        "GET http://evil.example.net\\@www.example.com/ HTTP/1.1\r\nHost: www.example.com\r\n\r\n", 400, ""),
                Arguments.of("backslash evil\\@www.example.com, port P",
                        "GET http://evil.example.net:P\\@www.example.com:P/ HTTP/1.1\r\nHost: www.example.com:P\r\n\r\n", 400, ""),
                Arguments.of("fragment evil#@www.example.com",
                        "GET http://evil.example.net#@www.example.com/ HTTP/1.1\r\nHost: www.example.com\r\n\r\n", 400, ""),
                Arguments.of("fragment evil#@www.example.com, port P",
                        "GET http://evil.example.net:P#@www.example.com:P/ HTTP/1.1\r\nHost: www.example.com:P\r\n\r\n", 400, ""),
                Arguments.of("%2e in the host",
                        "GET http://www.example.com%2eevil.example.net/ HTTP/1.1\r\nHost: www.example.com\r\n\r\n", 400, badChar),
                Arguments.of("%2e in the host, port P",
                        "GET http://www.example.com%2eevil.example.net:P/ HTTP/1.1\r\nHost: www.example.com:P\r\n\r\n", 400, badChar),
                Arguments.of("%00 in the host",
                        "GET http://www.example.com%00.evil.example.net/ HTTP/1.1\r\nHost: www.example.com\r\n\r\n", 400, badChar),
                Arguments.of("%00 in the host, port P",
                        "GET http://www.example.com%00.evil.example.net:P/ HTTP/1.1\r\nHost: www.example.com:P\r\n\r\n", 400, badChar));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("inputs")
    void confusingAuthoritiesAreRefusedBeforeAnythingIsResolvedOrDialled(String name, String template, int status,
                                                                          String reasonPart) throws Exception {
        String port = String.valueOf(bed.port());
        String request = template.replace(":P", ":" + port);
        int queries = TestProxies.dns().queryCount();

        CaseBed.Outcome outcome = bed.exchange(request);

        assertProxyError(outcome, status, status == 403 ? "denied" : "bad-request", reasonPart.replace(":P", ":" + port));
        assertThat(outcome.closed()).as("400 closes; a body-less 403 keeps the connection (README)").isEqualTo(status == 400);
        bed.assertNothingForwarded();
        assertThat(TestProxies.dns().queryCount()).as("DNS queries for a refused target").isEqualTo(queries);
        CaseBed.accessLine("status=" + status, status == 403 ? "decision=deny" : "decision=error");
    }
}
