package io.egressproxy.core.cases;

import io.egressproxy.core.testing.ChildProxy;
import io.egressproxy.core.testing.OriginServer;
import io.egressproxy.core.testing.TestProxies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * C32, plain-HTTP parts (the SSE stream from {@code https://api.example.com} needs interception):
 * a chunked 50 MiB upload to U3's {@code /sink} and a 50 MiB download from U3 go through a proxy
 * JVM whose heap and direct memory are each capped at 32 MiB, so buffering either body would
 * fail; hashes match at both ends, with no 413 or truncation. Server-sent events over plain HTTP
 * (the same streaming path) reach the client within 200 ms of U3 writing them.
 */
@Timeout(180)
class StreamingBodyTest {
    private static final long SIZE = 50L << 20;
    private static final String CAP = "32m";
    private static CaseBed bed;
    private static ChildProxy capped;
    private static Path childLogConfig;

    @BeforeAll
    static void start() throws Exception {
        bed = CaseBed.start();
        String allow = CaseBed.CFG_BASE_ALLOW.stream().map(p -> "\"" + p + "\"").collect(Collectors.joining(", "));
        // The child would otherwise use logback-test.xml and truncate this JVM's target/test.log.
        childLogConfig = Files.createTempFile("child-logback", ".xml");
        Files.writeString(childLogConfig, "<configuration><appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                + "<encoder><pattern>%msg%n</pattern></encoder></appender><root level=\"WARN\"><appender-ref ref=\"OUT\"/></root>"
                + "</configuration>");
        capped = ChildProxy.start(List.of("-Xmx" + CAP, "-XX:MaxDirectMemorySize=" + CAP, "-Dio.netty.leakDetection.level=disabled",
                        "-Dlogback.configurationFile=" + childLogConfig),
                "egress-proxy { listen = \"127.0.0.1:0\", policy.allow = [" + allow + "],"
                        + " dns.servers = [\"" + TestProxies.dns().address() + "\"] }");
    }

    @AfterAll
    static void stop() throws Exception {
        if (capped != null) {
            capped.close();
        }
        bed.close();
        Files.deleteIfExists(childLogConfig);
    }

    @BeforeEach
    void reset() throws Exception {
        bed.reset();
    }

    @Test
    void aChunked50MiBUploadStreamsThroughAMemoryCappedProxyIntact() throws Exception {
        MessageDigest sent = RecordingUpstream.sha256();
        try (Wire wire = Wire.connect(capped.address())) {
            wire.send("POST " + bed.url("www.example.com", "/sink") + " HTTP/1.1\r\nHost: " + bed.authority("www.example.com")
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            byte[] data = new byte[64 * 1024];
            for (long offset = 0; offset < SIZE; offset += data.length) {
                for (int i = 0; i < data.length; i++) {
                    data[i] = OriginServer.pattern(offset + i);
                }
                sent.update(data);
                byte[] size = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                byte[] piece = new byte[size.length + data.length + 2];
                System.arraycopy(size, 0, piece, 0, size.length);
                System.arraycopy(data, 0, piece, size.length, data.length);
                piece[piece.length - 2] = '\r';
                piece[piece.length - 1] = '\n';
                wire.send(piece);
            }
            wire.send("0\r\n\r\n");
            assertThat(wire.writeFailed()).as("the proxy took the whole body").isFalse();
            Wire.Reply reply = wire.readReply(60_000);
            assertThat(reply.status()).as("no 413 or error: %s", reply).isEqualTo(200);
            assertThat(reply.bodyText()).isEqualTo(SIZE + " " + HexFormat.of().formatHex(sent.digest()) + "\n");
        }
        assertThat(bed.u3.requests()).singleElement().satisfies(r -> assertThat(r.bodyLength()).isEqualTo(SIZE));
        assertCappedProxyHealthy();
    }

    @Test
    void a50MiBDownloadStreamsThroughAMemoryCappedProxyIntact() throws Exception {
        MessageDigest expected = RecordingUpstream.sha256();
        byte[] data = new byte[64 * 1024];
        for (long offset = 0; offset < SIZE; offset += data.length) {
            for (int i = 0; i < data.length; i++) {
                data[i] = OriginServer.pattern(offset + i);
            }
            expected.update(data);
        }
        MessageDigest received = RecordingUpstream.sha256();
        try (Wire wire = Wire.connect(capped.address())) {
            wire.send(bed.get("www.example.com", "/big?n=" + SIZE));
            Wire.Reply head = wire.readHead(CaseBed.REPLY_MILLIS);
            assertThat(head.status()).as("%s", head).isEqualTo(200);
            assertThat(head.header("Content-Length")).isEqualTo(String.valueOf(SIZE));
            wire.digestBody(SIZE, received, 60_000);
        }
        assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(HexFormat.of().formatHex(expected.digest()));
        assertCappedProxyHealthy();
    }

    @Test
    void serverSentEventsReachTheClientAsTheyAreWritten() throws Exception {
        List<Long> delaysMillis = new ArrayList<>();
        try (Wire wire = bed.connect()) {
            wire.send(bed.get("www.example.com", "/sse?events=6&pauseMs=300"));
            Wire.Reply head = wire.readHead(CaseBed.REPLY_MILLIS);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("Content-Type")).isEqualTo("text/event-stream");
            StringBuilder pending = new StringBuilder();
            byte[] chunk;
            while ((chunk = wire.readChunk(CaseBed.REPLY_MILLIS)) != null) {
                long arrived = System.nanoTime();
                pending.append(new String(chunk, StandardCharsets.US_ASCII));
                int end;
                while ((end = pending.indexOf("\n\n")) >= 0) {
                    String event = pending.substring(0, end);
                    pending.delete(0, end + 2);
                    long sentAt = Long.parseLong(event.substring(event.lastIndexOf(' ') + 1));
                    delaysMillis.add((arrived - sentAt) / 1_000_000L);
                }
            }
        }
        assertThat(delaysMillis).as("events received").hasSize(6);
        assertThat(delaysMillis).as("ms from U3 writing an event to the client reading it").allMatch(d -> d < 200);
        CaseBed.accessLine("GET " + bed.url("www.example.com", "/sse"), "decision=allow", "status=200");
        bed.assertServesControlRequest();
    }

    private static void assertCappedProxyHealthy() throws Exception {
        assertThat(capped.process().isAlive()).as("the memory-capped proxy survived").isTrue();
        InetSocketAddress address = capped.address();
        long start = System.nanoTime();
        try (Wire wire = Wire.connect(address)) {
            wire.send(bed.get("www.example.com", "/ok"));
            Wire.Reply reply = wire.readReply(CaseBed.CONTROL_MILLIS);
            assertThat(reply.bodyText()).isEqualTo("ok from U3\n");
        }
        assertThat((System.nanoTime() - start) / 1_000_000L).as("control request (ms)").isLessThan(CaseBed.CONTROL_MILLIS);
    }
}
