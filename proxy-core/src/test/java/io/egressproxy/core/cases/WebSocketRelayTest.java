package io.egressproxy.core.cases;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static io.egressproxy.core.cases.CaseBed.assertProxyError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * C30 items 1, 3 and 4 (item 2's {@code wss://} needs TLS upstreams or interception; item 5's
 * 90-second idle ping is left out to keep the suite fast, its 1 MB frame is here): a WebSocket
 * over plain HTTP (absolute-form) and over {@code CONNECT} to the upstream's port gets 101, frames
 * travel both ways byte for byte, and a close from either side propagates; an upgrade to a denied
 * host is 403 with C1 untouched. U3 runs a WebSocket echo at {@code /ws}.
 */
@Timeout(30)
class WebSocketRelayTest {
    private static final byte[] MASK = {0x37, (byte) 0xfa, 0x21, 0x3d};
    private static CaseBed bed;

    @RegisterExtension
    static final CaseBedExtension BED = new CaseBedExtension(started -> bed = started);

    private static String handshake(String target, String host) {
        return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + WsFrames.KEY + "\r\n\r\n";
    }

    private static void assertSwitched(Wire.Reply reply) {
        assertThat(reply.status()).as("%s", reply).isEqualTo(101);
        assertThat(reply.header("Upgrade")).isEqualToIgnoringCase("websocket");
        assertThat(reply.header("Connection")).isEqualToIgnoringCase("upgrade");
        assertThat(reply.header("Sec-WebSocket-Accept")).isEqualTo(WsFrames.ACCEPT);
    }

    /** Text and a 1 MB binary frame go up masked and byte for byte, and come back as U3 sent them. */
    private static void assertEchoesFramesUnmodified(Wire wire) throws Exception {
        byte[] hello = "hello through the proxy".getBytes(StandardCharsets.UTF_8);
        byte[] textFrame = WsFrames.masked(WsFrames.TEXT, hello, MASK);
        wire.send(textFrame);
        WsFrames.Frame echoed = WsFrames.read(wire, CaseBed.REPLY_MILLIS);
        assertThat(echoed.opcode()).isEqualTo(WsFrames.TEXT);
        assertThat(echoed.text()).isEqualTo("hello through the proxy");

        byte[] big = new byte[1 << 20];
        new Random(30).nextBytes(big);
        byte[] binaryFrame = WsFrames.masked(WsFrames.BINARY, big, MASK);
        wire.send(binaryFrame);
        WsFrames.Frame bigEcho = WsFrames.read(wire, 10_000);
        assertThat(bigEcho.opcode()).isEqualTo(WsFrames.BINARY);
        assertThat(Arrays.equals(bigEcho.payload(), big)).as("1 MB binary frame echoed intact").isTrue();

        byte[] raw = bed.u3.connections().stream().map(RecordingUpstream.Connection::bytes)
                .filter(b -> new String(b, StandardCharsets.ISO_8859_1).contains("/ws HTTP/1.1")).findFirst().orElseThrow();
        String rawText = new String(raw, StandardCharsets.ISO_8859_1);
        String frames = rawText.substring(rawText.indexOf("\r\n\r\n") + 4);
        assertThat(frames.getBytes(StandardCharsets.ISO_8859_1)).as("the frames U3 received, byte for byte")
                .isEqualTo(concat(textFrame, binaryFrame));
        assertThat(bed.u3.frames()).containsExactly("text:hello through the proxy",
                "binary:" + big.length + ":" + HexFormat.of().formatHex(RecordingUpstream.sha256().digest(big)));
    }

    /** U3 closes first: its close frame reaches the client and then the client connection ends. */
    private static void assertServerCloseReachesTheClient(Wire wire) throws Exception {
        wire.send(WsFrames.masked(WsFrames.TEXT, "close-me".getBytes(StandardCharsets.UTF_8), MASK));
        WsFrames.Frame close = WsFrames.read(wire, CaseBed.REPLY_MILLIS);
        assertThat(close.opcode()).isEqualTo(WsFrames.CLOSE);
        assertThat(close.payload()).isEqualTo(WsFrames.closePayload(1000, "bye"));
        assertThat(wire.closedWithin(2000)).as("the client connection closes after U3 closed").isTrue();
    }

    @Test
    void webSocketOverPlainHttpIsRelayedBothWaysAndAServerCloseReachesTheClient() throws Exception {
        try (Wire wire = bed.connect()) {
            wire.send(handshake(bed.url("www.example.com", "/ws"), bed.authority("www.example.com")));
            assertSwitched(wire.readReply(CaseBed.REPLY_MILLIS));
            assertEchoesFramesUnmodified(wire);
            assertServerCloseReachesTheClient(wire);
        }
        assertThat(bed.u3.requests()).singleElement().satisfies(r -> {
            assertThat(r.uri()).isEqualTo("/ws");
            assertThat(r.header("Upgrade")).containsExactly("websocket");
            assertThat(r.header("Sec-WebSocket-Key")).containsExactly(WsFrames.KEY);
        });
        bed.assertCanariesUntouched();
        CaseBed.accessLine("GET " + bed.url("www.example.com", "/ws"), "decision=allow", "status=101");
    }

    @Test
    void webSocketOverConnectToThePlainPortIsRelayedBothWays() throws Exception {
        try (Wire wire = bed.connect()) {
            wire.send("CONNECT " + bed.authority("www.example.com") + " HTTP/1.1\r\nHost: " + bed.authority("www.example.com")
                    + "\r\n\r\n");
            Wire.Reply established = wire.readConnectReply(CaseBed.REPLY_MILLIS);
            assertThat(established.status()).as("%s", established).isEqualTo(200);
            wire.send(handshake("/ws", bed.authority("www.example.com")));
            assertSwitched(wire.readReply(CaseBed.REPLY_MILLIS));
            assertEchoesFramesUnmodified(wire);
            assertServerCloseReachesTheClient(wire);
        }
        bed.assertCanariesUntouched();
        CaseBed.accessLine("CONNECT " + bed.authority("www.example.com"), "decision=allow", "status=200");
    }

    @Test
    void aClientCloseFrameIsAnsweredAndBothConnectionsEnd() throws Exception {
        try (Wire wire = bed.connect()) {
            wire.send(handshake(bed.url("www.example.com", "/ws"), bed.authority("www.example.com")));
            assertSwitched(wire.readReply(CaseBed.REPLY_MILLIS));
            wire.send(WsFrames.masked(WsFrames.CLOSE, WsFrames.closePayload(1000, "done"), MASK));
            WsFrames.Frame close = WsFrames.read(wire, CaseBed.REPLY_MILLIS);
            assertThat(close.opcode()).isEqualTo(WsFrames.CLOSE);
            assertThat(wire.closedWithin(2000)).as("the client connection closes").isTrue();
        }
        assertThat(bed.u3.frames()).containsExactly("close");
        awaitUpstreamClosed();
    }

    @Test
    void aClientThatDropsTheConnectionMakesTheProxyCloseTheUpstream() throws Exception {
        try (Wire wire = bed.connect()) {
            wire.send(handshake(bed.url("www.example.com", "/ws"), bed.authority("www.example.com")));
            assertSwitched(wire.readReply(CaseBed.REPLY_MILLIS));
            wire.send(WsFrames.masked(WsFrames.TEXT, "x".getBytes(StandardCharsets.UTF_8), MASK));
            assertThat(WsFrames.read(wire, CaseBed.REPLY_MILLIS).text()).isEqualTo("x");
        }
        awaitUpstreamClosed();
    }

    @Test
    void anUpgradeToADeniedHostIs403AndC1IsUntouched() throws Exception {
        CaseBed.Outcome outcome = bed.exchange(handshake(bed.url("evil.example.net", "/ws"), bed.authority("evil.example.net")));

        assertProxyError(outcome, 403, "denied", "host '" + bed.authority("evil.example.net") + "' is not in the allow-list");
        assertThat(outcome.closed()).as("a body-less denial keeps the connection (README)").isFalse();
        bed.assertNothingForwarded();
        CaseBed.accessLine("GET " + bed.url("evil.example.net", "/ws"), "decision=deny", "status=403");
    }

    private static void awaitUpstreamClosed() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 2000;
        while (System.currentTimeMillis() < deadline
                && !bed.u3.connections().stream().filter(c -> c.total() > 0).allMatch(RecordingUpstream.Connection::closed)) {
            Thread.sleep(20);
        }
        assertThat(bed.u3.connections()).filteredOn(c -> c.total() > 0).as("U3's WebSocket connection")
                .isNotEmpty().allMatch(RecordingUpstream.Connection::closed);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
