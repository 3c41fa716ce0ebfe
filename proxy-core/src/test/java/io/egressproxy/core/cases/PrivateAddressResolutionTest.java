package io.egressproxy.core.cases;

import io.egressproxy.core.testing.RawServer;
import io.egressproxy.core.testing.TestProxies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.egressproxy.core.cases.CaseBed.assertProxyError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * C01: an allowed name that resolves to a private, loopback, metadata or unspecified address is
 * refused by the private-address guard, on the resolved {@code InetAddress}, for plain HTTP and
 * for CONNECT; the 403 names the address class. {@code intN.example.com:C0PORT} are allowed with
 * an explicit port so the port rule cannot be what refuses. int8 has a loopback record and an
 * allowed one (U1's address stands in for the "public test address"): the proxy must not fall
 * back to the loopback record.
 */
@Timeout(30)
class PrivateAddressResolutionTest {
    private static CaseBed bed;
    private static int c0Port;
    /** int8's second, permitted record: U1's address on C0's port. */
    private static RawServer permittedRecord;

    @BeforeAll
    static void start() throws Exception {
        bed = CaseBed.withoutProxy();
        c0Port = bed.c0.port();
        bed.tryCanary("::1", c0Port); // where int6 (::1) would land; best effort
        permittedRecord = new RawServer(CaseBed.U1, c0Port, "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\npublic\n");
        TestProxies.dns()
                .add("int1.example.com", "127.0.0.1")
                .add("int2.example.com", "10.0.0.5")
                .add("int3.example.com", "172.16.0.5")
                .add("int4.example.com", "192.168.1.5")
                .add("int5.example.com", "169.254.169.254")
                .add("int6.example.com", "::1")
                .add("int7.example.com", "0.0.0.0")
                .add("int8.example.com", "127.0.0.1", CaseBed.U1);
        bed.startProxy(b -> {
            for (int i = 1; i <= 8; i++) {
                b.allow("int" + i + ".example.com:" + c0Port);
            }
            return b;
        });
    }

    @AfterAll
    static void stop() throws Exception {
        bed.close();
        permittedRecord.close();
    }

    @BeforeEach
    void reset() throws Exception {
        bed.reset();
    }

    @AfterEach
    void proxyStillServesControlRequest() throws Exception {
        bed.assertServesControlRequest();
    }

    @ParameterizedTest(name = "GET http://{0}:C0PORT/ -> 403 naming {2}")
    @CsvSource(delimiter = '|', value = {
            "int1.example.com | 127.0.0.1       | a loopback address",
            "int2.example.com | 10.0.0.5        | a private (RFC 1918 / IPv6 ULA) address",
            "int3.example.com | 172.16.0.5      | a private (RFC 1918 / IPv6 ULA) address",
            "int4.example.com | 192.168.1.5     | a private (RFC 1918 / IPv6 ULA) address",
            "int5.example.com | 169.254.169.254 | a link-local / cloud metadata address",
            "int6.example.com | ::1             | a loopback address",
            "int7.example.com | 0.0.0.0         | an unspecified (0.0.0.0 / ::) address"})
    void plainHttpToANameResolvingToANonPublicAddressIsRefused(String host, String address, String addressClass) throws Exception {
        String authority = host + ":" + c0Port;
        CaseBed.Outcome outcome = bed.exchange("GET http://" + authority + "/ HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");

        assertProxyError(outcome, 403, "denied", "'" + host + "' resolved to " + address + ", which is " + addressClass);
        assertThat(outcome.reply().reason()).contains("private-address guard");
        assertThat(outcome.closed()).as("a body-less denial keeps the connection (README)").isFalse();
        bed.assertNothingForwarded();
        assertThat(CaseBed.accessLine("GET http://" + authority + "/", "decision=deny", "status=403")).contains(addressClass);
    }

    @ParameterizedTest(name = "CONNECT {0}:C0PORT -> 403 naming {2}, no tunnel")
    @CsvSource(delimiter = '|', value = {
            "int1.example.com | 127.0.0.1       | a loopback address",
            "int2.example.com | 10.0.0.5        | a private (RFC 1918 / IPv6 ULA) address",
            "int3.example.com | 172.16.0.5      | a private (RFC 1918 / IPv6 ULA) address",
            "int4.example.com | 192.168.1.5     | a private (RFC 1918 / IPv6 ULA) address",
            "int5.example.com | 169.254.169.254 | a link-local / cloud metadata address",
            "int6.example.com | ::1             | a loopback address",
            "int7.example.com | 0.0.0.0         | an unspecified (0.0.0.0 / ::) address"})
    void connectToANameResolvingToANonPublicAddressIsRefused(String host, String address, String addressClass) throws Exception {
        String authority = host + ":" + c0Port;
        CaseBed.Outcome outcome = bed.exchange("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");

        assertProxyError(outcome, 403, "denied", "'" + host + "' resolved to " + address + ", which is " + addressClass);
        assertThat(outcome.closed()).as("a refused CONNECT closes").isTrue();
        bed.assertNothingForwarded();
        CaseBed.accessLine("CONNECT " + authority, "decision=deny", "status=403");
    }

    @Test
    void plainHttpToANameWithALoopbackAndAPermittedRecordUsesOnlyThePermittedOne() throws Exception {
        int before = permittedRecord.connections();
        String authority = "int8.example.com:" + c0Port;
        CaseBed.Outcome outcome = bed.exchange("GET http://" + authority + "/ HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");

        assertThat(outcome.status()).as("%s", outcome.reply()).isEqualTo(200);
        assertThat(outcome.reply().bodyText()).isEqualTo("public\n");
        assertThat(permittedRecord.connections() - before).isEqualTo(1);
        assertThat(permittedRecord.receivedText()).contains("GET / HTTP/1.1\r\n");
        bed.assertCanariesUntouched();
        CaseBed.accessLine("GET http://" + authority + "/", "decision=allow", "status=200");
    }

    @Test
    void connectToANameWithALoopbackAndAPermittedRecordTunnelsOnlyToThePermittedOne() throws Exception {
        int before = permittedRecord.connections();
        String authority = "int8.example.com:" + c0Port;
        try (Wire wire = bed.connect()) {
            wire.send("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
            Wire.Reply established = wire.readConnectReply(CaseBed.REPLY_MILLIS);
            assertThat(established.status()).as("%s", established).isEqualTo(200);
            wire.send("GET / HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
            assertThat(wire.readReply(CaseBed.REPLY_MILLIS).bodyText()).isEqualTo("public\n");
        }
        assertThat(permittedRecord.connections() - before).isEqualTo(1);
        bed.assertCanariesUntouched();
        CaseBed.accessLine("CONNECT " + authority, "decision=allow", "status=200");
    }
}
