package io.egressproxy.cli.sandbox;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes sure the proxy runs before a launch: when its admin API does not answer {@code /healthz},
 * starts {@code egress-proxy serve} in the background from this same jar (or class path), detached
 * from this terminal ({@link DetachedProcess}), with its log and pid files under the state
 * directory, and waits (bounded) until it answers.
 */
public final class ProxySidecar {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .proxy(HttpClient.Builder.NO_PROXY).build();

    private ProxySidecar() {
    }

    /** Does the admin API at {@code adminBase} ({@code http://HOST:PORT/}) answer /healthz? */
    public static boolean healthy(URI adminBase) {
        try {
            HttpRequest request = HttpRequest.newBuilder(adminBase.resolve("healthz")).timeout(Duration.ofSeconds(3)).build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The argv that starts the proxy in the background (pure). */
    static List<String> serveArgv(String java, String classPath, Path config) {
        List<String> argv = new ArrayList<>(List.of(java, "-cp", classPath, "io.egressproxy.cli.Main", "serve"));
        if (config != null) {
            argv.addAll(List.of("--config", config.toAbsolutePath().toString()));
        }
        return argv;
    }

    /** Starts the proxy unless it answers already. */
    public static void ensure(URI adminBase, Path config, Path stateDir, PrintWriter err) throws IOException, InterruptedException {
        if (healthy(adminBase)) {
            return;
        }
        PrivateFiles.createDirectories(stateDir);
        Path log = PrivateFiles.restrict(stateDir.resolve("proxy.log"));
        Path pid = PrivateFiles.restrict(stateDir.resolve("proxy.pid"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> argv = serveArgv(java, System.getProperty("java.class.path"), config);
        // detached, so that Ctrl-C on the `sandbox run` that started it does not stop every sandbox's proxy
        Process process = DetachedProcess.start(argv, log);
        Files.writeString(pid, process.pid() + "\n");
        err.println("started the proxy (`egress-proxy serve`, pid " + process.pid() + ", log " + log + ")");
        err.flush();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the proxy exited with code " + process.exitValue() + " while starting; see " + log);
            }
            if (healthy(adminBase)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IOException("the proxy did not answer " + adminBase + "healthz within " + START_TIMEOUT.toSeconds()
                + "s; see " + log + " (pid " + process.pid() + " is still running)");
    }
}
