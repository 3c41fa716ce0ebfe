package io.egressproxy.cli.sandbox;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * What both runtimes need, gathered once by the command from the proxy's config. Immutable.
 *
 * @param caFile       host path of the proxy's CA certificate (PEM)
 * @param trustStore   host path of the Java trust store holding that CA ({@link JavaTrustStore})
 * @param jar          the egress-proxy jar to run bridges from, or null when not running from one
 * @param placeholders API-key variable → placeholder, for the credential rules that are active
 * @param tty          this process has a terminal (then {@code exec} gets {@code -t})
 */
public record LaunchContext(Docker docker, ProxyAdmin admin, PrintWriter out, PrintWriter err, SubnetPool pool,
                            Path caFile, Path trustStore, Path jar, Map<String, String> placeholders, SandboxStore store, boolean tty) {
    public LaunchContext {
        placeholders = Map.copyOf(placeholders);
    }

    /** The port out of {@code HOST:PORT}. */
    static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    /** Non-blank lines. */
    static java.util.List<String> lines(String text) {
        return text.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
