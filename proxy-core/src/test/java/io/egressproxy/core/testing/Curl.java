package io.egressproxy.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code curl} binary (argv list, no shell) and returns what it printed. */
public final class Curl {
    private Curl() {
    }

    /** curl's exit code, stdout and stderr. */
    public record Result(int exitCode, String out, String err) {
    }

    /** Whether curl is installed (.ci/run installs it; tests assume it). */
    public static boolean available() {
        try {
            return new ProcessBuilder("curl", "--version").redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public static Result run(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add("curl");
        argv.add("--silent");
        argv.add("--show-error");
        argv.add("--max-time");
        argv.add("60");
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().keySet().removeIf(k -> k.toLowerCase(java.util.Locale.ROOT).endsWith("_proxy"));
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errPump = pump(p.getErrorStream(), err);
        p.getInputStream().transferTo(out);
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("curl did not finish: " + argv);
        }
        errPump.join(5000);
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(sink);
            } catch (IOException ignored) {
                // process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
