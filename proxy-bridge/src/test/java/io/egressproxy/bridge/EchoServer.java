package io.egressproxy.bridge;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A non-HTTP TCP server on 127.0.0.1: greets each connection with {@link #BANNER} (the server
 * speaks first, as SMTP or a database would), then echoes every byte back; on the client's FIN it
 * sends its own FIN and closes. Stop it with {@link #close()}.
 */
final class EchoServer implements AutoCloseable {
    static final String BANNER = "220 raw-echo ready\r\n";

    private final ServerSocket socket;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger clientFins = new AtomicInteger();

    EchoServer() throws IOException {
        socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::acceptLoop, "echo-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    /** How many connections ended with the client's FIN (a half-close that reached this server). */
    int clientFins() {
        return clientFins.get();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s), "echo-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            OutputStream out = s.getOutputStream();
            out.write(BANNER.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[16 * 1024];
            int r;
            while ((r = in.read(buf)) > 0) {
                out.write(buf, 0, r);
                out.flush();
            }
            clientFins.incrementAndGet();
            s.shutdownOutput();
        } catch (IOException ignored) {
            // the peer went away
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
