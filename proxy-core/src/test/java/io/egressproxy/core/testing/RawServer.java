package io.egressproxy.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain TCP listener that records every connection and the raw bytes received on it, and
 * answers each request-looking read with a fixed response (or nothing). Used as a canary (a host
 * the proxy must never reach: {@link #connections()} stays 0) and to see exactly what bytes the
 * proxy sent upstream. Stop it with {@link #close()}.
 */
public final class RawServer implements AutoCloseable {
    private final ServerSocket socket;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<ByteArrayOutputStream> received = new CopyOnWriteArrayList<>();
    private final byte[] reply;
    private final Thread acceptor;

    /** A listener on {@code address} (e.g. 127.0.0.1, 127.0.0.2) and a free port; {@code reply} may be null. */
    public RawServer(String address, String reply) throws IOException {
        this(address, 0, reply);
    }

    public RawServer(String address, int port, String reply) throws IOException {
        socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
        this.reply = reply == null ? null : reply.getBytes(StandardCharsets.ISO_8859_1);
        acceptor = new Thread(this::acceptLoop, "raw-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    public int connections() {
        return connections.get();
    }

    /** Everything received, all connections concatenated, as ISO-8859-1 text. */
    public String receivedText() {
        StringBuilder sb = new StringBuilder();
        for (ByteArrayOutputStream b : received) {
            synchronized (b) {
                sb.append(b.toString(StandardCharsets.ISO_8859_1));
            }
        }
        return sb.toString();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                connections.incrementAndGet();
                ByteArrayOutputStream sink = new ByteArrayOutputStream();
                received.add(sink);
                Thread t = new Thread(() -> serve(s, sink), "raw-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, ByteArrayOutputStream sink) {
        try (s) {
            s.setSoTimeout(200);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            long idleSince = System.nanoTime();
            while (System.nanoTime() - idleSince < 5_000_000_000L) {
                int r;
                try {
                    r = in.read(buf);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (r < 0) {
                    return;
                }
                synchronized (sink) {
                    sink.write(buf, 0, r);
                }
                idleSince = System.nanoTime();
                String text;
                synchronized (sink) {
                    text = sink.toString(StandardCharsets.ISO_8859_1);
                }
                if (reply != null && requestComplete(text)) {
                    s.getOutputStream().write(reply);
                    s.getOutputStream().flush();
                    return;
                }
            }
        } catch (IOException ignored) {
            // The peer went away; what was received is kept.
        }
    }

    /** A whole request head has arrived, and its Content-Length body if it announced one. */
    private static boolean requestComplete(String text) {
        int headEnd = text.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            return false;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$")
                .matcher(text.substring(0, headEnd + 2));
        long length = m.find() ? Long.parseLong(m.group(1)) : 0;
        return text.length() - (headEnd + 4) >= length;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
