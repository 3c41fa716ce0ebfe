package io.egressproxy.core.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP/1.1 origin on 127.0.0.1 (the JDK's HTTP server) for tests, with a few endpoints:
 * <ul>
 *   <li>{@code /echo}: 200, body lists method, path and every request header as {@code name: value} lines</li>
 *   <li>{@code /bytes?n=N[&chunked=1]}: N bytes of {@link #pattern} (Content-Length, or chunked)</li>
 *   <li>{@code /sink}: reads the request body, answers {@code length sha256}</li>
 *   <li>{@code /sse?events=N&pauseMs=M}: a chunked {@code text/event-stream}, one event per pause</li>
 *   <li>anything else: 200 {@code hello from origin}</li>
 * </ul>
 * Records every request (method, path, headers) and counts connections. Stop it with {@link #close()}.
 */
public final class OriginServer implements AutoCloseable {
    /** What the origin saw of one request. */
    public record Seen(String method, String path, Map<String, List<String>> headers, int remotePort) {
        public List<String> header(String name) {
            return headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), List.of());
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "origin");
        t.setDaemon(true);
        return t;
    });
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    public OriginServer() throws IOException {
        this(null);
    }

    /** An HTTPS origin when {@code tls} is given (see {@link TestTls#serverContext}). */
    public OriginServer(javax.net.ssl.SSLContext tls) throws IOException {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (tls == null) {
            server = HttpServer.create(any, 100);
        } else {
            com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(any, 100);
            https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
            server = https;
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code 127.0.0.1:PORT}. */
    public String authority() {
        return "127.0.0.1:" + port();
    }

    public List<Seen> requests() {
        return List.copyOf(seen);
    }

    /** Byte {@code i} of every generated body: deterministic, not compressible to a constant. */
    public static byte pattern(long i) {
        return (byte) ((i * 31 + (i >>> 13)) & 0xff);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, List<String>> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers,
                    exchange.getRemoteAddress().getPort()));
            Map<String, String> params = new TreeMap<>();
            if (query != null) {
                for (String kv : query.split("&")) {
                    int eq = kv.indexOf('=');
                    params.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
                }
            }
            switch (path) {
                case "/echo" -> echo(exchange, headers);
                case "/gzip-echo" -> gzipEcho(exchange, headers);
                case "/bytes" -> bytes(exchange, Long.parseLong(params.getOrDefault("n", "0")), params.containsKey("chunked"));
                case "/sink" -> sink(exchange);
                case "/sse" -> sse(exchange, Integer.parseInt(params.getOrDefault("events", "5")),
                        Long.parseLong(params.getOrDefault("pauseMs", "200")));
                default -> text(exchange, 200, "hello from origin\n");
            }
        }
    }

    private static void echo(HttpExchange exchange, Map<String, List<String>> headers) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append(exchange.getRequestMethod()).append(' ').append(exchange.getRequestURI()).append('\n');
        headers.forEach((k, v) -> v.forEach(value -> sb.append(k).append(": ").append(value).append('\n')));
        exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
        text(exchange, 200, sb.toString());
    }

    /** Echoes the request headers gzip-compressed, whatever the request's Accept-Encoding says. */
    private static void gzipEcho(HttpExchange exchange, Map<String, List<String>> headers) throws IOException {
        StringBuilder sb = new StringBuilder();
        headers.forEach((k, v) -> v.forEach(value -> sb.append(k).append(": ").append(value).append('\n')));
        java.io.ByteArrayOutputStream compressed = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(compressed)) {
            gzip.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        exchange.sendResponseHeaders(200, compressed.size());
        exchange.getResponseBody().write(compressed.toByteArray());
    }

    private static void bytes(HttpExchange exchange, long n, boolean chunked) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, chunked ? 0 : (n == 0 ? -1 : n));
        if ("HEAD".equals(exchange.getRequestMethod())) {
            return;
        }
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = exchange.getResponseBody()) {
            long written = 0;
            while (written < n) {
                int len = (int) Math.min(block.length, n - written);
                for (int i = 0; i < len; i++) {
                    block[i] = pattern(written + i);
                }
                out.write(block, 0, len);
                written += len;
            }
        }
    }

    private static void sink(HttpExchange exchange) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
        long length = 0;
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = exchange.getRequestBody()) {
            int r;
            while ((r = in.read(buf)) > 0) {
                sha.update(buf, 0, r);
                length += r;
            }
        }
        text(exchange, 200, length + " " + HexFormat.of().formatHex(sha.digest()) + "\n");
    }

    private static void sse(HttpExchange exchange, int events, long pauseMs) throws IOException {
        Headers h = exchange.getResponseHeaders();
        h.set("Content-Type", "text/event-stream");
        h.set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < events; i++) {
                out.write(("data: {\"n\":" + i + ",\"sentAtNanos\":" + System.nanoTime() + "}\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (i + 1 < events) {
                    Thread.sleep(pauseMs);
                }
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void text(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0 && !"HEAD".equals(exchange.getRequestMethod())) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
