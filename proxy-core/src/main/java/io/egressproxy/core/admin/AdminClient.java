package io.egressproxy.core.admin;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A small client for the admin API over TCP (used by the CLI's policy, approvals and sandbox
 * commands, and by tests). Blocking; thread-safe.
 */
public final class AdminClient {
    /** A call the admin API answered with an error status; the message is its {@code error} text. */
    public static final class AdminException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;

        AdminException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .proxy(HttpClient.Builder.NO_PROXY).build();
    private final URI base;
    private final AdminToken token;

    /** {@code base} such as {@code http://127.0.0.1:3129}. */
    public AdminClient(URI base, AdminToken token) {
        this.base = base;
        this.token = token;
    }

    public String get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    public String post(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json"));
    }

    private String send(HttpRequest.Builder builder) throws IOException, InterruptedException {
        HttpRequest request = builder.header("Authorization", token.header()).timeout(Duration.ofSeconds(90)).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            throw new IOException("the admin API at " + base + " does not answer; is `egress-proxy serve` running with this config?", e);
        } catch (IOException e) {
            // The proxy went away during the call (or the connection broke): the JDK's own message
            // ("header parser received no bytes") names neither the proxy nor the call.
            throw new IOException("the admin API at " + base + " stopped answering during " + request.method() + " "
                    + request.uri().getPath() + " (" + e.getMessage() + "); is `egress-proxy serve` still running?"
                    + " Its log says why it stopped", e);
        }
        if (response.statusCode() / 100 != 2) {
            String body = response.body();
            int at = body.indexOf("\"error\"");
            String message = at < 0 ? body : body.substring(body.indexOf(':', at) + 1).trim().replaceAll("^\"|\"\\s*}?\\s*$", "");
            throw new AdminException(response.statusCode(), message);
        }
        return response.body();
    }
}
