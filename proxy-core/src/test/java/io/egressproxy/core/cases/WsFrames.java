package io.egressproxy.core.cases;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Builds and reads RFC 6455 frames by hand, so a test knows the exact bytes on the wire: masked
 * frames as a client sends them, unmasked ones as a server sends them. Stateless.
 */
final class WsFrames {
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    /** The RFC 6455 §1.3 example key and its accept value. */
    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    /** One frame as read: FIN set, its opcode and payload. */
    record Frame(boolean fin, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private WsFrames() {
    }

    /** A final frame as a client sends it, masked with {@code mask} (4 bytes). */
    static byte[] masked(int opcode, byte[] payload, byte[] mask) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeHeader(out, opcode, payload.length, true);
        out.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i % 4]);
        }
        return out.toByteArray();
    }

    /** A final frame as a server sends it (no mask). */
    static byte[] unmasked(int opcode, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeHeader(out, opcode, payload.length, false);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** A close frame's payload: the status code and a reason. */
    static byte[] closePayload(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return payload;
    }

    /** Reads one unmasked frame; its raw bytes are what {@link #unmasked} would build. */
    static Frame read(Wire wire, long timeoutMillis) throws IOException {
        byte[] head = wire.readBytes(2, timeoutMillis);
        boolean fin = (head[0] & 0x80) != 0;
        int opcode = head[0] & 0x0f;
        if ((head[1] & 0x80) != 0) {
            throw new AssertionError("a server frame must not be masked");
        }
        long length = head[1] & 0x7f;
        if (length == 126) {
            byte[] ext = wire.readBytes(2, timeoutMillis);
            length = ((ext[0] & 0xff) << 8) | (ext[1] & 0xff);
        } else if (length == 127) {
            byte[] ext = wire.readBytes(8, timeoutMillis);
            length = 0;
            for (byte b : ext) {
                length = (length << 8) | (b & 0xff);
            }
        }
        return new Frame(fin, opcode, wire.readBytes((int) length, timeoutMillis));
    }

    private static void writeHeader(ByteArrayOutputStream out, int opcode, int length, boolean mask) {
        out.write(0x80 | opcode);
        int maskBit = mask ? 0x80 : 0;
        if (length < 126) {
            out.write(maskBit | length);
        } else if (length < 65536) {
            out.write(maskBit | 126);
            out.write(length >> 8);
            out.write(length);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) length >> shift));
            }
        }
    }
}
