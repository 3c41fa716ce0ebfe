package io.egressproxy.core.inject;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Replaces secrets that an upstream echoes back (an echo or debug endpoint reflecting request
 * headers) with their placeholders, in a streamed body: matches across chunk boundaries are found
 * by holding back only the few trailing bytes that could start a secret, so a stream is never
 * buffered whole and events still flow. One instance per response; not thread-safe.
 */
public final class EchoRedactor {
    private final byte[][] secrets;
    private final byte[][] placeholders;
    private final String[] secretTexts;
    private final String[] placeholderTexts;
    private final boolean[] startsAnySecret = new boolean[256];
    private byte[] carry = new byte[0];
    private long replacements;

    public EchoRedactor(List<CredentialRule> rules) {
        List<byte[]> s = new ArrayList<>();
        List<byte[]> p = new ArrayList<>();
        for (CredentialRule rule : rules) {
            if (!rule.hasSecret()) {
                continue;
            }
            s.add(rule.secret().reveal().getBytes(StandardCharsets.UTF_8));
            p.add(rule.placeholder().getBytes(StandardCharsets.UTF_8));
        }
        this.secrets = s.toArray(new byte[0][]);
        this.placeholders = p.toArray(new byte[0][]);
        this.secretTexts = new String[secrets.length];
        this.placeholderTexts = new String[secrets.length];
        for (int i = 0; i < secrets.length; i++) {
            secretTexts[i] = new String(secrets[i], StandardCharsets.UTF_8);
            placeholderTexts[i] = new String(placeholders[i], StandardCharsets.UTF_8);
        }
        for (byte[] secret : secrets) {
            startsAnySecret[secret[0] & 0xff] = true;
        }
    }

    /** Replaces every secret in a header value. */
    public String redactHeader(String value) {
        String result = value;
        for (int i = 0; i < secrets.length; i++) {
            if (result.contains(secretTexts[i])) {
                result = result.replace(secretTexts[i], placeholderTexts[i]);
                replacements++;
            }
        }
        return result;
    }

    /**
     * The redacted bytes that can be sent now for {@code chunk}; with {@code last}, also what was
     * held back.
     */
    public byte[] redact(byte[] chunk, boolean last) {
        byte[] data = concat(carry, chunk);
        if (secrets.length == 0) {
            carry = new byte[0];
            return data;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length);
        int hold = last ? 0 : heldBackLength(data);
        int limit = data.length - hold;
        int runStart = 0;
        int i = 0;
        while (i < limit) {
            // Most bytes start no secret: test the first byte before anything else.
            int match = startsAnySecret[data[i] & 0xff] ? matchAt(data, i) : -1;
            if (match >= 0) {
                out.write(data, runStart, i - runStart);
                out.writeBytes(placeholders[match]);
                i += secrets[match].length;
                runStart = i;
                replacements++;
            } else {
                i++;
            }
        }
        int end = Math.min(i, data.length);
        if (end > runStart) {
            out.write(data, runStart, end - runStart);
        }
        // A match may have run past the limit into the held-back bytes; keep only what is left.
        carry = i >= data.length ? new byte[0] : java.util.Arrays.copyOfRange(data, i, data.length);
        return out.toByteArray();
    }

    /**
     * True when {@code chunk} can be sent exactly as it is: nothing is held back from earlier, it
     * holds no secret, and it does not end with the start of one. The common case, answered by one
     * read-only pass, so most responses are scanned without being copied.
     */
    public boolean passesUnchanged(ByteBuf chunk, boolean last) {
        if (secrets.length == 0) {
            return carry.length == 0;
        }
        if (carry.length != 0) {
            return false;
        }
        int from = chunk.readerIndex();
        int to = chunk.writerIndex();
        for (int i = from; i < to; i++) {
            byte b = chunk.getByte(i);
            if (!startsAnySecret[b & 0xff]) {
                continue;
            }
            for (byte[] secret : secrets) {
                // A whole secret here, or (unless this is the end) its start cut off by the chunk end.
                int available = Math.min(secret.length, to - i);
                if ((available == secret.length || !last) && regionEquals(chunk, i, secret, available)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean regionEquals(ByteBuf data, int at, byte[] prefixOf, int length) {
        for (int j = 0; j < length; j++) {
            if (data.getByte(at + j) != prefixOf[j]) {
                return false;
            }
        }
        return true;
    }

    public long replacements() {
        return replacements;
    }

    private int matchAt(byte[] data, int at) {
        for (int s = 0; s < secrets.length; s++) {
            byte[] secret = secrets[s];
            if (at + secret.length <= data.length && regionEquals(data, at, secret)) {
                return s;
            }
        }
        return -1;
    }

    /** How many trailing bytes could be the start of a secret whose end has not arrived yet. */
    private int heldBackLength(byte[] data) {
        int longest = 0;
        for (byte[] secret : secrets) {
            int max = Math.min(secret.length - 1, data.length);
            for (int k = max; k > longest; k--) {
                if (regionEquals(data, data.length - k, secret, k)) {
                    longest = k;
                    break;
                }
            }
        }
        return longest;
    }

    private static boolean regionEquals(byte[] data, int at, byte[] secret) {
        return regionEquals(data, at, secret, secret.length);
    }

    private static boolean regionEquals(byte[] data, int at, byte[] prefixOf, int length) {
        for (int j = 0; j < length; j++) {
            if (data[at + j] != prefixOf[j]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (a.length == 0) {
            return b;
        }
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
