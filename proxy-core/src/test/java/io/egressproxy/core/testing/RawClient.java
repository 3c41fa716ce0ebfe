package io.egressproxy.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Sends exact bytes to the proxy (as {@code printf … | nc} would) and reads what comes back, for
 * the malformed and hostile inputs no well-behaved client would send.
 */
public final class RawClient {
    private RawClient() {
    }

    /** What the proxy answered and whether it closed the connection. */
    public record Reply(String text, boolean closed) {
        public int status() {
            if (!text.startsWith("HTTP/1.")) {
                return -1;
            }
            return Integer.parseInt(text.substring(9, 12));
        }

        public String header(String name) {
            for (String line : text.split("\r\n")) {
                if (line.isEmpty()) {
                    break;
                }
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        public int count(String needle) {
            int n = 0;
            for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
                n++;
            }
            return n;
        }
    }

    /**
     * Writes {@code request} (ISO-8859-1) and reads until the proxy closes or {@code quietMillis}
     * pass without data, at most {@code maxMillis} in all. Does not half-close.
     */
    public static Reply exchange(InetSocketAddress proxy, String request, long quietMillis, long maxMillis) throws IOException {
        return exchange(proxy, request.getBytes(StandardCharsets.ISO_8859_1), quietMillis, maxMillis);
    }

    public static Reply exchange(InetSocketAddress proxy, byte[] request, long quietMillis, long maxMillis) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(proxy, 2000);
            socket.setSoTimeout((int) quietMillis);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            long deadline = System.nanoTime() + maxMillis * 1_000_000L;
            boolean closed = false;
            while (System.nanoTime() < deadline) {
                int r;
                try {
                    r = in.read(buf);
                } catch (SocketTimeoutException e) {
                    break;
                } catch (IOException e) {
                    closed = true;
                    break;
                }
                if (r < 0) {
                    closed = true;
                    break;
                }
                out.write(buf, 0, r);
            }
            return new Reply(out.toString(StandardCharsets.ISO_8859_1), closed);
        }
    }
}
