package io.egressproxy.core.cases;

import io.egressproxy.core.testing.CapturedLog;
import io.egressproxy.core.testing.TestProxies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;

import static io.egressproxy.core.cases.CaseBed.assertProxyError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * C05: a proxy whose allow-list happens to contain its own listener ({@code 127.0.0.0/8}, the
 * "allow our internal /8" mistake, and {@code loop.example.com:PP} resolving to 127.0.0.1) still
 * refuses to connect to itself, at once, with a 403 naming self-connection and exactly one access
 * line per request (no nested requests). Other explicitly allowed private targets stay reachable.
 * {@code PP} in the table is the proxy's own port.
 */
@Timeout(60)
class SelfConnectionTest {
    private static CaseBed bed;
    private static int proxyPort;

    @BeforeAll
    static void start() throws Exception {
        bed = CaseBed.withoutProxy();
        proxyPort = CaseBed.freePort();
        TestProxies.dns().add("loop.example.com", "127.0.0.1");
        bed.startProxy(b -> b.listen("127.0.0.1:" + proxyPort).allow("127.0.0.0/8", "loop.example.com:" + proxyPort));
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

    @ParameterizedTest(name = "{0} -> 403 self-connection")
    @ValueSource(strings = {
            "GET http://127.0.0.1:PP/ HTTP/1.1\r\nHost: 127.0.0.1:PP\r\n\r\n",
            "CONNECT 127.0.0.1:PP HTTP/1.1\r\nHost: 127.0.0.1:PP\r\n\r\n",
            "GET http://loop.example.com:PP/ HTTP/1.1\r\nHost: loop.example.com:PP\r\n\r\n",
            "GET http://2130706433:PP/ HTTP/1.1\r\nHost: 2130706433:PP\r\n\r\n"})
    void requestsToTheProxysOwnListenerAreRefusedOnce(String template) throws Exception {
        String request = template.replace("PP", String.valueOf(proxyPort));
        long start = System.nanoTime();
        CaseBed.Outcome outcome = bed.exchange(request);
        long millis = (System.nanoTime() - start) / 1_000_000L;

        assertProxyError(outcome, 403, "denied", "is this proxy's own listener");
        assertThat(outcome.reply().reason()).contains(":" + proxyPort);
        assertThat(millis - Wire.CLOSE_GRACE_MILLIS).as("answered at once (ms)").isLessThan(1000);
        bed.assertNothingForwarded();
        CaseBed.accessLine("decision=deny", "status=403");
        Thread.sleep(200);
        assertThat(CapturedLog.accessLines()).as("exactly one access line: no nested request").hasSize(1);
    }

    @Test
    void repeatedSelfRequestsLeaveNoConnectionsBehind() throws Exception {
        String request = "GET http://127.0.0.1:" + proxyPort + "/ HTTP/1.1\r\nHost: 127.0.0.1:" + proxyPort + "\r\n\r\n";
        bed.exchange(request);
        Thread.sleep(200);
        long baseline = openFiles();
        for (int i = 0; i < 30; i++) {
            try (Wire wire = bed.connect()) {
                assertThat(wire.send(request).readReply(CaseBed.REPLY_MILLIS).status()).isEqualTo(403);
            }
        }
        Thread.sleep(500);
        assertThat(openFiles()).as("open file descriptors after 30 self requests (baseline %s)", baseline)
                .isLessThanOrEqualTo(baseline + 5);
        assertThat(CapturedLog.accessLines()).hasSize(31);
    }

    @Test
    void otherExplicitlyAllowedPrivateTargetsRemainReachable() throws Exception {
        CaseBed.Outcome outcome = bed.exchange(bed.get(CaseBed.U3, "/ok"));

        assertThat(outcome.status()).as("%s", outcome.reply()).isEqualTo(200);
        assertThat(outcome.reply().bodyText()).isEqualTo("ok from U3\n");
        CaseBed.accessLine("GET " + bed.url(CaseBed.U3, "/ok"), "decision=allow", "status=200");
    }

    private static long openFiles() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? 0 : fds.length;
    }
}
