package io.egressproxy.bridge.connect;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads the egress proxy's answer to a {@code CONNECT} (status line and headers, up to a size
 * limit) into a {@link ConnectResponse}, then removes itself. Bytes that followed the header block
 * in the same read (the target already talking) are passed on as they are, after the response.
 * A body of a refusal is left unread: the connection is closed on anything but 200. Not sharable.
 */
final class ConnectResponseDecoder extends ByteToMessageDecoder {
    private static final ByteBuf END_OF_HEADERS = Unpooled.unreleasableBuffer(
            Unpooled.wrappedBuffer("\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    private static final String REASON_HEADER = "x-egress-proxy-reason";

    private final int maxHeaderBytes;

    ConnectResponseDecoder(int maxHeaderBytes) {
        this.maxHeaderBytes = maxHeaderBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int end = ByteBufUtil.indexOf(END_OF_HEADERS.duplicate(), in);
        if (end < 0) {
            if (in.readableBytes() > maxHeaderBytes) {
                in.skipBytes(in.readableBytes()); // nothing more will be read from this connection
                throw new TooLongFrameException("the proxy's answer to CONNECT is longer than " + maxHeaderBytes + " bytes");
            }
            return;
        }
        String head = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1);
        in.readerIndex(end + END_OF_HEADERS.readableBytes());
        out.add(parse(head));
        if (in.isReadable()) {
            out.add(in.readRetainedSlice(in.readableBytes()));
        }
        ctx.pipeline().remove(this);
    }

    static ConnectResponse parse(String head) {
        String[] lines = head.split("\r\n");
        String statusLine = lines[0];
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
            throw new DecoderException("the proxy did not answer CONNECT with an HTTP/1.x status line");
        }
        int status;
        try {
            status = Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new DecoderException("the proxy's status line has no status code");
        }
        String phrase = statusLine.length() > 13 ? printable(statusLine.substring(13)) : "";
        String reason = "";
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().equalsIgnoreCase(REASON_HEADER)) {
                reason = printable(lines[i].substring(colon + 1).trim());
            }
        }
        return new ConnectResponse(status, phrase, reason);
    }

    private static String printable(String text) {
        StringBuilder sb = new StringBuilder(Math.min(text.length(), 400));
        for (int i = 0; i < text.length() && sb.length() < 400; i++) {
            char c = text.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }
}
