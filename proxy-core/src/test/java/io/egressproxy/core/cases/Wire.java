package io.egressproxy.core.cases;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One raw TCP connection to the proxy, as {@code printf … | nc} would make it, that can read
 * HTTP responses one at a time (Content-Length, chunked or close-delimited bodies), raw bytes
 * after an upgrade, and tell whether the proxy closed the connection. Writes never fail the
 * test: a proxy that closes early may reset a large write, and what it answered is still read.
 * One class over 300 lines because every read method shares one buffer and one notion of "the
 * proxy closed". Not thread-safe; one test thread uses it.
 */
final class Wire implements AutoCloseable {
    /** How long a connection may take to close after a response for it to count as "closed". */
    static final long CLOSE_GRACE_MILLIS = 500;

    /** One response as the client received it. */
    record Reply(String statusLine, int status, List<Map.Entry<String, String>> headers, byte[] body) {
        /** The first value of header {@code name} (any case), or null. */
        String header(String name) {
            List<String> all = headers(name);
            return all.isEmpty() ? null : all.get(0);
        }

        List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            for (Map.Entry<String, String> h : headers) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    values.add(h.getValue());
                }
            }
            return values;
        }

        String bodyText() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }

        /** The proxy's own error code ({@code X-Egress-Proxy-Error}), or null for an upstream's response. */
        String proxyError() {
            return header("X-Egress-Proxy-Error");
        }

        String reason() {
            return header("X-Egress-Proxy-Reason");
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(statusLine).append("\\r\\n");
            headers.forEach(h -> sb.append(h.getKey()).append(": ")
                    .append(h.getValue().length() > 200 ? h.getValue().substring(0, 200) + "..." : h.getValue())
                    .append("\\r\\n"));
            String text = bodyText();
            return sb.append("\\r\\n").append(text.length() > 2000 ? text.substring(0, 2000) + "..." : text).toString();
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buffer = new byte[64 * 1024];
    private int pos;
    private int limit;
    private boolean eof;
    private volatile IOException writeFailure;

    private Wire(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static Wire connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(address, 2000);
        return new Wire(socket);
    }

    /** Writes {@code text} as ISO-8859-1 (so {@code \u0000}..{@code \u00ff} are single bytes). */
    Wire send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes {@code bytes}; large writes go from a helper thread so a proxy that stops reading cannot block the test. */
    Wire send(byte[] bytes) {
        if (bytes.length < 256 * 1024) {
            write(bytes);
        } else {
            Thread writer = new Thread(() -> write(bytes), "wire-writer");
            writer.setDaemon(true);
            writer.start();
        }
        return this;
    }

    private void write(byte[] bytes) {
        try {
            synchronized (out) {
                out.write(bytes);
                out.flush();
            }
        } catch (IOException e) {
            writeFailure = e;
        }
    }

    /** Streams {@code total} bytes from {@code source} on the calling thread; returns false if the proxy stopped taking them. */
    boolean stream(java.util.function.LongFunction<byte[]> source, long total) {
        long sent = 0;
        try {
            while (sent < total) {
                byte[] piece = source.apply(sent);
                synchronized (out) {
                    out.write(piece);
                }
                sent += piece.length;
            }
            out.flush();
            return true;
        } catch (IOException e) {
            writeFailure = e;
            return false;
        }
    }

    /** Closes the sending side (FIN) and keeps reading. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /**
     * Reads one complete response within {@code timeoutMillis}. Returns null when the proxy closed
     * the connection before sending any byte of one; fails the test on a timeout or a partial response.
     */
    Reply readReply(long timeoutMillis) throws IOException {
        return readReply(timeoutMillis, false);
    }

    /** Reads the reply to a CONNECT: a 2xx has no body (RFC 9110 §9.3.6); anything else is read like {@link #readReply}. */
    Reply readConnectReply(long timeoutMillis) throws IOException {
        return readReply(timeoutMillis, true);
    }

    private Reply readReply(long timeoutMillis, boolean connect) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        String statusLine = readLine(deadline, true);
        if (statusLine == null) {
            return null;
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        while (true) {
            String line = readLine(deadline, false);
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            headers.add(Map.entry(colon < 0 ? line : line.substring(0, colon), colon < 0 ? "" : line.substring(colon + 1).trim()));
        }
        int status = parseStatus(statusLine);
        Reply head = new Reply(statusLine, status, headers, new byte[0]);
        byte[] body;
        String te = head.header("Transfer-Encoding");
        String cl = head.header("Content-Length");
        if ((status >= 100 && status < 200) || status == 204 || status == 304 || (connect && status / 100 == 2)) {
            body = new byte[0];
        } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = readChunked(deadline);
        } else if (cl != null) {
            body = readExactly(Integer.parseInt(cl.trim()), deadline);
        } else {
            body = readToEnd(deadline);
        }
        return new Reply(statusLine, status, headers, body);
    }

    /** Reads a status line and headers only; the body is left for {@link #digestBody} or {@link #readChunk}. */
    Reply readHead(long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        String statusLine = readLine(deadline, false);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        while (true) {
            String line = readLine(deadline, false);
            if (line.isEmpty()) {
                return new Reply(statusLine, parseStatus(statusLine), headers, new byte[0]);
            }
            int colon = line.indexOf(':');
            headers.add(Map.entry(colon < 0 ? line : line.substring(0, colon), colon < 0 ? "" : line.substring(colon + 1).trim()));
        }
    }

    /** Reads {@code n} body bytes into {@code digest} without keeping them. */
    void digestBody(long n, java.security.MessageDigest digest, long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        long left = n;
        while (left > 0) {
            if (pos == limit && !fill(deadline, true)) {
                throw new AssertionError("connection closed with " + left + " of " + n + " body bytes missing");
            }
            int take = (int) Math.min(left, limit - pos);
            digest.update(buffer, pos, take);
            pos += take;
            left -= take;
        }
    }

    /** Reads one chunk of a chunked body; null for the last chunk (its trailers are read too). */
    byte[] readChunk(long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        String sizeLine = readLine(deadline, false);
        int semi = sizeLine.indexOf(';');
        int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
        if (size == 0) {
            while (!readLine(deadline, false).isEmpty()) {
                // trailers: ignored
            }
            return null;
        }
        byte[] data = readExactly(size, deadline);
        if (!readLine(deadline, false).isEmpty()) {
            throw new AssertionError("chunk not followed by CRLF");
        }
        return data;
    }

    /** Reads exactly {@code n} bytes (e.g. WebSocket frames after a 101). */
    byte[] readBytes(int n, long timeoutMillis) throws IOException {
        return readExactly(n, System.nanoTime() + timeoutMillis * 1_000_000L);
    }

    /**
     * Waits up to {@code millis} for the proxy to close the connection; returns true if it did.
     * Bytes that arrive meanwhile are returned by {@link #extra()}.
     */
    boolean closedWithin(long millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!eof) {
            if (!fill(deadline, false)) {
                return eof; // false on timeout; true on end of stream or reset
            }
            // Keep the unread bytes for extra(): fill appends.
        }
        return true;
    }

    /** Bytes received but not consumed by a read method (e.g. an unexpected second response). */
    String extra() {
        return new String(buffer, pos, limit - pos, StandardCharsets.ISO_8859_1);
    }

    /** Whether a write failed because the proxy closed or reset the connection. */
    boolean writeFailed() {
        return writeFailure != null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static int parseStatus(String statusLine) {
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new AssertionError("not an HTTP status line: " + statusLine);
        }
        return Integer.parseInt(statusLine.substring(9, 12));
    }

    private byte[] readChunked(long deadline) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(deadline, false);
            int semi = sizeLine.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            if (size == 0) {
                while (!readLine(deadline, false).isEmpty()) {
                    // trailers: ignored
                }
                return body.toByteArray();
            }
            body.writeBytes(readExactly(size, deadline));
            String crlf = readLine(deadline, false);
            if (!crlf.isEmpty()) {
                throw new AssertionError("chunk not followed by CRLF: " + crlf);
            }
        }
    }

    private byte[] readToEnd(long deadline) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (fill(deadline, true)) {
            body.write(buffer, pos, limit - pos);
            pos = limit;
        }
        return body.toByteArray();
    }

    private byte[] readExactly(int n, long deadline) throws IOException {
        byte[] out = new byte[n];
        int have = 0;
        while (have < n) {
            if (pos == limit && !fill(deadline, true)) {
                throw new AssertionError("connection closed after " + have + " of " + n + " bytes");
            }
            int take = Math.min(n - have, limit - pos);
            System.arraycopy(buffer, pos, out, have, take);
            pos += take;
            have += take;
        }
        return out;
    }

    /** A CRLF-terminated line (without the CRLF); null on a clean close before any byte when {@code nullOnEof}. */
    private String readLine(long deadline, boolean nullOnEof) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            if (pos == limit && !fill(deadline, true)) {
                if (nullOnEof && line.size() == 0) {
                    return null;
                }
                throw new AssertionError("connection closed in the middle of a line: " + line.toString(StandardCharsets.ISO_8859_1));
            }
            byte b = buffer[pos++];
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
    }

    /**
     * Reads more bytes into the buffer (compacting it first). Returns false at end of stream (or
     * reset); on timeout fails the test when {@code failOnTimeout}, else returns false.
     */
    private boolean fill(long deadline, boolean failOnTimeout) throws IOException {
        if (eof) {
            return false;
        }
        if (pos > 0) {
            System.arraycopy(buffer, pos, buffer, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buffer.length) {
            throw new AssertionError("read buffer full: " + extra().substring(0, 200));
        }
        long remaining = (deadline - System.nanoTime()) / 1_000_000L;
        if (remaining <= 0) {
            if (failOnTimeout) {
                throw new AssertionError("timed out waiting for the proxy; unread so far: " + extra());
            }
            return false;
        }
        socket.setSoTimeout((int) Math.max(1, remaining));
        int r;
        try {
            r = in.read(buffer, limit, buffer.length - limit);
        } catch (SocketTimeoutException e) {
            if (failOnTimeout) {
                throw new AssertionError("timed out waiting for the proxy; unread so far: " + extra());
            }
            return false;
        } catch (IOException e) {
            // A reset after the proxy closed with unread request bytes: the connection is over.
            eof = true;
            return false;
        }
        if (r < 0) {
            eof = true;
            return false;
        }
        limit += r;
        return true;
    }
}
