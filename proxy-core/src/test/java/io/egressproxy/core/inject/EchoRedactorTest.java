package io.egressproxy.core.inject;

import io.egressproxy.core.policy.HostPattern;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Echoed secrets are replaced in streamed bodies wherever the chunk boundaries fall, without holding back more than needed. */
@Timeout(10)
class EchoRedactorTest {
    private static final String SECRET = "sk-live-0123456789abcdef";
    private static final CredentialRule RULE = new CredentialRule("t", List.of(HostPattern.parse("api.example.com")),
            Map.of("x-api-key", "{secret}"), Secret.of(SECRET), "PLACEHOLDER", false);

    private static String stream(String body, int chunkSize) {
        EchoRedactor redactor = new EchoRedactor(List.of(RULE));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < bytes.length; i += chunkSize) {
            byte[] chunk = java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + chunkSize));
            out.writeBytes(sendable(redactor, chunk, false));
        }
        out.writeBytes(sendable(redactor, new byte[0], true));
        return out.toString(StandardCharsets.UTF_8);
    }

    /** What the proxy sends for a chunk: the chunk itself when it passes unchanged, else the redacted bytes. */
    private static byte[] sendable(EchoRedactor redactor, byte[] chunk, boolean last) {
        return redactor.passesUnchanged(Unpooled.wrappedBuffer(chunk), last) ? chunk : redactor.redact(chunk, last);
    }

    @Test
    void chunksWithNoSecretAndNoSecretStartAtTheEndPassUnchanged() {
        EchoRedactor redactor = new EchoRedactor(List.of(RULE));
        assertThat(redactor.passesUnchanged(buf("plain text with sk-other and s at the end: s!"), false)).isTrue();
        assertThat(redactor.passesUnchanged(buf("a " + SECRET + " b"), false)).as("holds a secret").isFalse();
        assertThat(redactor.passesUnchanged(buf("ends with sk-li"), false)).as("might continue as a secret").isFalse();
        assertThat(redactor.passesUnchanged(buf("ends with sk-li"), true)).as("the end: nothing can follow").isTrue();
        redactor.redact("held sk-live".getBytes(StandardCharsets.UTF_8), false);
        assertThat(redactor.passesUnchanged(buf("clean"), false)).as("bytes held back from before go first").isFalse();
    }

    private static io.netty.buffer.ByteBuf buf(String text) {
        return Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "chunks of {0} bytes")
    @ValueSource(ints = {1, 2, 3, 5, 7, 11, 23, 24, 25, 64, 4096})
    void secretsAreReplacedWhereverTheChunksSplitThem(int chunkSize) {
        String body = "{\"headers\":{\"x-api-key\":\"" + SECRET + "\"},\"again\":\"" + SECRET + SECRET + "\",\"sk-live-0\":1}";
        String redacted = stream(body, chunkSize);
        assertThat(redacted).doesNotContain(SECRET).contains("PLACEHOLDER\"},").contains("PLACEHOLDERPLACEHOLDER")
                .endsWith("\"sk-live-0\":1}");
        assertThat(redacted).isEqualTo(body.replace(SECRET, "PLACEHOLDER"));
    }

    @Test
    void onlyBytesThatCouldStartASecretAreHeldBack() {
        EchoRedactor redactor = new EchoRedactor(List.of(RULE));
        assertThat(new String(redactor.redact("data: hello\n\n".getBytes(StandardCharsets.UTF_8), false), StandardCharsets.UTF_8))
                .as("an SSE event with no secret prefix goes out whole, at once").isEqualTo("data: hello\n\n");
        assertThat(new String(redactor.redact("token sk-li".getBytes(StandardCharsets.UTF_8), false), StandardCharsets.UTF_8))
                .isEqualTo("token ");
        assertThat(new String(redactor.redact("ve-nope".getBytes(StandardCharsets.UTF_8), true), StandardCharsets.UTF_8))
                .isEqualTo("sk-live-nope");
    }

    @Test
    void headerValuesAreRedacted() {
        EchoRedactor redactor = new EchoRedactor(List.of(RULE));
        assertThat(redactor.redactHeader("Bearer " + SECRET)).isEqualTo("Bearer PLACEHOLDER");
        assertThat(redactor.redactHeader("nothing here")).isEqualTo("nothing here");
    }

    @Test
    void secretsWithControlCharactersAreRefusedWithoutEchoingThem() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Secret.of("TEST-SECRET-A\r\nX-Injected: 1"))
                .hasMessageContaining("control character").hasMessageNotContaining("TEST-SECRET");
        assertThat(Secret.of("value-from-file\n").reveal()).isEqualTo("value-from-file");
        assertThat(Secret.of("x").toString()).isEqualTo("Secret[redacted]");
    }
}
