package io.egressproxy.core.cases;

import io.egressproxy.core.testing.RawServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * C03: one loopback port is allowed on purpose ({@code 127.0.0.1:DEVPORT}, a local dev-server
 * stub); every other spelling of loopback, unspecified or metadata addresses is refused, C0 on
 * {@code 127.0.0.1:C0PORT} gets no connection, and spellings of 127.0.0.1 aimed at the allowed
 * port are either treated as that very address or refused, never dialled somewhere else.
 * {@code C0} and {@code DEV} in the table stand for those two ports.
 */
@Timeout(30)
class LoopbackSpellingTest {
    private static CaseBed bed;
    private static RawServer dev;

    @BeforeAll
    static void start() throws Exception {
        bed = CaseBed.withoutProxy();
        bed.tryCanary("::1", bed.c0.port()); // where [::] or ::1 spellings would land; best effort
        dev = new RawServer("127.0.0.1", "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndev\n");
        bed.startProxy(b -> b.allow("127.0.0.1:" + dev.port()));
    }

    @AfterAll
    static void stop() throws Exception {
        bed.close();
        dev.close();
    }

    @BeforeEach
    void reset() throws Exception {
        bed.reset();
    }

    @AfterEach
    void proxyStillServesControlRequest() throws Exception {
        bed.assertServesControlRequest();
    }

    private static String fill(String host) {
        return host.replace("C0", String.valueOf(bed.c0.port())).replace("DEV", String.valueOf(dev.port()));
    }

    @Test
    void theExplicitlyAllowedLoopbackPortIsReachable() throws Exception {
        int before = dev.connections();
        String host = fill("127.0.0.1:DEV");
        CaseBed.Outcome outcome = bed.exchange("GET http://" + host + "/ HTTP/1.1\r\nHost: " + host + "\r\n\r\n");

        assertThat(outcome.status()).as("%s", outcome.reply()).isEqualTo(200);
        assertThat(outcome.reply().bodyText()).isEqualTo("dev\n");
        assertThat(dev.connections() - before).isEqualTo(1);
        bed.assertCanariesUntouched();
        CaseBed.accessLine("GET http://" + host + "/", "decision=allow", "rule=127.0.0.1:" + dev.port(), "status=200");
    }

    @ParameterizedTest(name = "GET http://{0}/ is refused")
    @ValueSource(strings = {
            "127.0.0.1:C0", "2130706433:C0", "0x7f000001:C0", "0x7f.0.0.1:C0", "0177.0.0.1:C0", "127.1:C0",
            "127.0.0.2:C0", "[::ffff:127.0.0.1]:C0", "[0:0:0:0:0:ffff:7f00:1]:C0", "localhost:C0", "LOCALHOST.:C0",
            "0.0.0.0:C0", "0:C0", "[::]:C0", "169.254.169.254", "0251.0376.0251.0376", "[fd00:ec2::254]", "012.0.0.1"})
    void otherSpellingsOfLoopbackMetadataAndUnspecifiedAreRefused(String spelled) throws Exception {
        int devBefore = dev.connections();
        String host = fill(spelled);
        CaseBed.Outcome outcome = bed.exchange("GET http://" + host + "/ HTTP/1.1\r\nHost: " + host + "\r\n\r\n");

        assertRefused(outcome);
        assertThat(dev.connections() - devBefore).as("connections to the dev stub").isZero();
        bed.assertNothingForwarded();
        CaseBed.accessLine("status=" + outcome.status(), outcome.status() == 403 ? "decision=deny" : "decision=error");
    }

    @Test
    void connectToAnIntegerSpellingOfLoopbackIsRefused() throws Exception {
        String host = fill("2130706433:C0");
        CaseBed.Outcome outcome = bed.exchange("CONNECT " + host + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");

        assertRefused(outcome);
        assertThat(outcome.closed()).as("a refused CONNECT closes").isTrue();
        bed.assertNothingForwarded();
        CaseBed.accessLine("status=" + outcome.status(), outcome.status() == 403 ? "decision=deny" : "decision=error");
    }

    @ParameterizedTest(name = "GET http://{0}/ is that address (200 from the stub) or refused")
    @ValueSource(strings = {
            "2130706433:DEV", "0x7f000001:DEV", "0x7f.0.0.1:DEV", "0177.0.0.1:DEV", "127.1:DEV",
            "[::ffff:127.0.0.1]:DEV", "[0:0:0:0:0:ffff:7f00:1]:DEV", "localhost:DEV", "LOCALHOST.:DEV"})
    void spellingsOf127001AimedAtTheAllowedPortAreThatAddressOrRefused(String spelled) throws Exception {
        int devBefore = dev.connections();
        String host = fill(spelled);
        CaseBed.Outcome outcome = bed.exchange("GET http://" + host + "/ HTTP/1.1\r\nHost: " + host + "\r\n\r\n");

        if (outcome.status() == 200) {
            assertThat(outcome.reply().bodyText()).as("answered by the dev stub").isEqualTo("dev\n");
            assertThat(dev.connections() - devBefore).isEqualTo(1);
            CaseBed.accessLine("decision=allow", "status=200");
        } else {
            assertRefused(outcome);
            assertThat(dev.connections() - devBefore).as("connections to the dev stub").isZero();
            CaseBed.accessLine("status=" + outcome.status(), outcome.status() == 403 ? "decision=deny" : "decision=error");
        }
        bed.assertCanariesUntouched();
    }

    @ParameterizedTest(name = "GET http://{0}/ is another address and is refused")
    @ValueSource(strings = {"0.0.0.0:DEV", "0:DEV", "[::]:DEV", "127.0.0.2:DEV", "012.0.0.1:DEV"})
    void otherAddressesAimedAtTheAllowedPortAreRefused(String spelled) throws Exception {
        int devBefore = dev.connections();
        String host = fill(spelled);
        CaseBed.Outcome outcome = bed.exchange("GET http://" + host + "/ HTTP/1.1\r\nHost: " + host + "\r\n\r\n");

        assertRefused(outcome);
        assertThat(dev.connections() - devBefore).as("connections to the dev stub").isZero();
        bed.assertNothingForwarded();
        CaseBed.accessLine("status=" + outcome.status(), outcome.status() == 403 ? "decision=deny" : "decision=error");
    }

    /** 403 (policy or guard) or 400 (a spelling the proxy refuses to parse), from the proxy itself. */
    private static void assertRefused(CaseBed.Outcome outcome) {
        assertThat(outcome.reply()).as("a reply").isNotNull();
        assertThat(outcome.status()).as("%s", outcome.reply()).isIn(400, 403);
        assertThat(outcome.reply().proxyError()).isEqualTo(outcome.status() == 403 ? "denied" : "bad-request");
        assertThat(outcome.reply().bodyText()).isEqualTo(outcome.reply().reason() + "\n");
    }
}
