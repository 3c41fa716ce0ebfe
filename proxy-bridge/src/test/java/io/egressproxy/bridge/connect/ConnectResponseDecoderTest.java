package io.egressproxy.bridge.connect;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class ConnectResponseDecoderTest {

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    @Test
    void readsTheAnswerInPiecesThenPassesTheBytesBehindItAndRemovesItself() {
        EmbeddedChannel ch = new EmbeddedChannel(new ConnectResponseDecoder(1024));
        ByteBuf first = ascii("xxHTTP/1.1 200 Connection est");
        first.skipBytes(2); // a reader index past zero must not confuse the search
        assertThat(ch.writeInbound(first)).isFalse();
        assertThat(ch.writeInbound(ascii("ablished\r\nVia: p\r\n\r\nSSH-2.0\r\n"))).isTrue();
        assertThat((ConnectResponse) ch.readInbound()).isEqualTo(new ConnectResponse(200, "Connection established", ""));
        ByteBuf behind = ch.readInbound();
        assertThat(behind.toString(StandardCharsets.US_ASCII)).isEqualTo("SSH-2.0\r\n");
        behind.release();
        assertThat(ch.pipeline().get(ConnectResponseDecoder.class)).isNull();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void keepsTheProxysReasonForTheLog() {
        EmbeddedChannel ch = new EmbeddedChannel(new ConnectResponseDecoder(1024));
        ch.writeInbound(ascii("HTTP/1.1 403 Forbidden\r\nX-Egress-Proxy-Reason: host 'x:1' is not in the allow-list\r\n"
                + "Content-Length: 3\r\n\r\nno\n"));
        assertThat((ConnectResponse) ch.readInbound())
                .isEqualTo(new ConnectResponse(403, "Forbidden", "host 'x:1' is not in the allow-list"));
        assertThat(ch.finishAndReleaseAll()).isTrue(); // the refusal's body, dropped by the owner
    }

    @Test
    void refusesAnOverlongOrNonHttpAnswer() {
        EmbeddedChannel tooLong = new EmbeddedChannel(new ConnectResponseDecoder(16));
        assertThatThrownBy(() -> tooLong.writeInbound(ascii("HTTP/1.1 200 OK\r\nX-Long: aaaaaaaa"))).isInstanceOf(DecoderException.class)
                .hasMessageContaining("longer than 16 bytes");
        assertThat(tooLong.finishAndReleaseAll()).isFalse();
        EmbeddedChannel garbage = new EmbeddedChannel(new ConnectResponseDecoder(1024));
        assertThatThrownBy(() -> garbage.writeInbound(ascii("SSH-2.0-x\r\n\r\n"))).isInstanceOf(DecoderException.class)
                .hasMessageContaining("HTTP/1.x status line");
        assertThat(garbage.finishAndReleaseAll()).isFalse();
    }
}
