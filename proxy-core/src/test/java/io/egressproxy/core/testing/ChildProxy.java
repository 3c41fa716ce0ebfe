package io.egressproxy.core.testing;

import io.egressproxy.core.EgressProxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A proxy in its own JVM (so a test can cap its heap, or signal it), started from a HOCON string
 * with this test classpath. {@link #main} is the child's entry point: it prints
 * {@code LISTENING <port>} once bound and runs until its stdin closes or it is killed.
 */
public final class ChildProxy implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path configFile;

    private ChildProxy(Process process, int port, Path configFile) {
        this.process = process;
        this.port = port;
        this.configFile = configFile;
    }

    /** Starts a child proxy with {@code jvmArgs} (e.g. -Xmx64m) and {@code hocon} over the defaults. */
    public static ChildProxy start(List<String> jvmArgs, String hocon) throws IOException {
        Path config = Files.createTempFile("child-proxy", ".conf");
        // The admin API is off unless the test's own text turns it on (later keys win in HOCON).
        Files.writeString(config, "egress-proxy.admin.listen = \"\"\n" + hocon);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildProxy.class.getName());
        command.add(config.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        StringBuilder seen = new StringBuilder();
        String line;
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            if (line.startsWith("LISTENING ")) {
                int port = Integer.parseInt(line.substring("LISTENING ".length()).trim());
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException ignored) {
                        // child ended
                    }
                }, "child-proxy-output");
                drain.setDaemon(true);
                drain.start();
                return new ChildProxy(process, port, config);
            }
            seen.append(line).append('\n');
        }
        process.destroyForcibly();
        throw new IOException("child proxy did not start:\n" + seen);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    public Process process() {
        return process;
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(configFile);
    }

    /** The child's entry point. */
    public static void main(String[] args) throws Exception {
        EgressProxy proxy = EgressProxy.start(Path.of(args[0]));
        System.out.println("LISTENING " + proxy.address().getPort());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            proxy.close(); // graceful: in-flight requests finish within limits.drain-timeout
            System.out.println("STOPPED");
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }));
        Thread.currentThread().join();
    }
}
