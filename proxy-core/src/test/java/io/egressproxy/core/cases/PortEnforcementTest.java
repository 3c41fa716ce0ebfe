package io.egressproxy.core.cases;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static io.egressproxy.core.cases.CaseBed.assertProxyError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * C11: port enforcement with {@code default-ports = [80, 443]}: {@code api.example.com:443}
 * admits only 443, and the port-less {@code www.example.com} only 80 and 443. Canaries listen on
 * the refused ports of U1's and U3's addresses (where they can be bound: ports below 1024 need
 * root) to prove no outbound connection is made. The control request needs U3 on the bed's
 * shared port, so this proxy also allows {@code www.example.com:PORT} and {@code 127.0.0.13:PORT},
 * which do not touch the ports under test.
 */
@Timeout(30)
class PortEnforcementTest {
    private static CaseBed bed;
    /** U1 on port 443 speaking plain HTTP, for "plain HTTP to a :443 entry"; null if 443 cannot be bound. */
    private static RecordingUpstream u1Https;

    @BeforeAll
    static void start() throws Exception {
        bed = CaseBed.withoutProxy();
        bed.tryCanary(CaseBed.U1, 8443);
        bed.tryCanary(CaseBed.U1, 22);
        bed.tryCanary(CaseBed.U1, 80);
        bed.tryCanary(CaseBed.U3, 25);
        u1Https = bed.tryUpstream("U1:443", CaseBed.U1, 443);
        bed.startProxy(b -> b.set("egress-proxy.policy.default-ports", List.of(80, 443))
                .allow("www.example.com:" + bed.port(), CaseBed.U3 + ":" + bed.port()));
    }

    @AfterAll
    static void stop() throws Exception {
        bed.close();
    }

    @BeforeEach
    void reset() throws Exception {
        bed.reset();
    }

    @AfterEach
    void proxyStillServesControlRequest() throws Exception {
        bed.assertServesControlRequest();
    }

    @ParameterizedTest(name = "{0} -> 403, port {1} not allowed")
    @CsvSource(delimiter = '|', value = {
            "CONNECT api.example.com:8443 HTTP/1.1\\r\\nHost: api.example.com:8443\\r\\n\\r\\n | 8443 | true",
            "CONNECT api.example.com:22 HTTP/1.1\\r\\n\\r\\n                                 | 22   | true",
            "GET http://api.example.com/ HTTP/1.1\\r\\nHost: api.example.com\\r\\n\\r\\n      | 80   | false",
            "CONNECT www.example.com:25 HTTP/1.1\\r\\n\\r\\n                                 | 25   | true"})
    void portsOutsideTheEntryOrTheDefaultPortsAreRefusedWithoutConnecting(String request, int port, boolean connect)
            throws Exception {
        CaseBed.Outcome outcome = bed.exchange(request.replace("\\r\\n", "\r\n"));

        assertProxyError(outcome, 403, "denied", "port " + port + " is not allowed");
        assertThat(outcome.closed()).as("CONNECT refusals close; a body-less GET refusal keeps the connection")
                .isEqualTo(connect);
        bed.assertNothingForwarded();
        CaseBed.accessLine("decision=deny", "status=403", ":" + port);
    }

    @Test
    void portlessEntryAdmitsOnlyTheDefaultPortsAndSaysSo() throws Exception {
        CaseBed.Outcome outcome = bed.exchange("CONNECT www.example.com:25 HTTP/1.1\r\n\r\n");

        assertProxyError(outcome, 403, "denied", "host 'www.example.com:25' is not in the allow-list: port 25 is not allowed");
        bed.assertNothingForwarded();
    }

    @Test
    void plainHttpToThe443EntryIsRefusedOrForwardedWithoutACredential() throws Exception {
        CaseBed.Outcome outcome = bed.exchange(
                "GET http://api.example.com:443/echo HTTP/1.1\r\nHost: api.example.com:443\r\n\r\n");

        if (outcome.status() == 403) {
            assertProxyError(outcome, 403, "denied", "api.example.com:443");
            bed.assertNothingForwarded();
            CaseBed.accessLine("GET http://api.example.com:443/echo", "decision=deny", "status=403");
            return;
        }
        Assumptions.assumeTrue(u1Https != null, "port 443 could not be bound on " + CaseBed.U1);
        assertThat(outcome.status()).as("%s", outcome.reply()).isEqualTo(200);
        assertThat(outcome.reply().header("X-Upstream")).isEqualTo("U1:443");
        assertThat(u1Https.raw().toLowerCase(java.util.Locale.ROOT)).doesNotContain("authorization").doesNotContain("test-secret");
        bed.assertCanariesUntouched();
        CaseBed.accessLine("GET http://api.example.com:443/echo", "decision=allow", "status=200");
    }
}
