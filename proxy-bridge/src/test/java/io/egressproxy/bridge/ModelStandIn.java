package io.egressproxy.bridge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for a local model server with an OpenAI-compatible API under
 * {@code /engines/llama.cpp/v1} (as a host's llama.cpp engine serves it), on 127.0.0.1:
 * <ul>
 *   <li>{@code GET /engines/llama.cpp/v1/models}: a JSON model list</li>
 *   <li>{@code POST /engines/llama.cpp/v1/chat/completions} with {@code "stream":true}: a
 *       {@code text/event-stream} of {@code events} chunks {@code data: {"choices":[{"delta":{"content":"tok N"}}]}},
 *       {@code pauseMillis} apart, then {@code data: [DONE]}; records when each event was sent
 *       and every byte sent</li>
 *   <li>the same without streaming: one JSON completion that says how many body bytes it read</li>
 * </ul>
 * Records the headers of the last request. Stop it with {@link #close()}.
 */
final class ModelStandIn implements AutoCloseable {
    static final String BASE = "/engines/llama.cpp/v1";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "model-stand-in");
        t.setDaemon(true);
        return t;
    });
    private final int events;
    private final long pauseMillis;
    private final List<Long> sentAtNanos = new CopyOnWriteArrayList<>();
    private volatile String streamed = "";
    private volatile Map<String, List<String>> lastHeaders = Map.of();

    ModelStandIn(int events, long pauseMillis) throws IOException {
        this.events = events;
        this.pauseMillis = pauseMillis;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** {@code localhost:PORT}: the target as a sandbox names the host's model server. */
    String target() {
        return "localhost:" + port();
    }

    /** When each event of the last stream was written and flushed (System.nanoTime). */
    List<Long> sentAtNanos() {
        return List.copyOf(sentAtNanos);
    }

    /** Every byte of the last streamed body, as text. */
    String streamedBody() {
        return streamed;
    }

    /** Lower-case header names to values, of the last request. */
    Map<String, List<String>> lastHeaders() {
        return lastHeaders;
    }

    static String event(int n) {
        return "data: {\"choices\":[{\"delta\":{\"content\":\"tok " + n + "\"}}]}\n\n";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, List<String>> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            lastHeaders = headers;
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            if (path.equals(BASE + "/models")) {
                json(exchange, "{\"object\":\"list\",\"data\":[{\"id\":\"stand-in\",\"object\":\"model\"}]}");
            } else if (path.equals(BASE + "/chat/completions") && "POST".equals(exchange.getRequestMethod())) {
                String request = new String(body, StandardCharsets.UTF_8);
                if (request.replace(" ", "").contains("\"stream\":true")) {
                    stream(exchange);
                } else {
                    json(exchange, "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"read "
                            + body.length + " bytes\"}}]}");
                }
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        }
    }

    private void stream(HttpExchange exchange) throws IOException {
        sentAtNanos.clear();
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < events; i++) {
                byte[] bytes = event(i).getBytes(StandardCharsets.UTF_8);
                out.write(bytes);
                out.flush();
                sentAtNanos.add(System.nanoTime());
                all.write(bytes);
                Thread.sleep(pauseMillis);
            }
            byte[] done = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
            out.write(done);
            all.write(done);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            streamed = all.toString(StandardCharsets.UTF_8);
        }
    }

    private static void json(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
