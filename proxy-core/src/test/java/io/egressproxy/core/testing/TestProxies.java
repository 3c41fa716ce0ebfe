package io.egressproxy.core.testing;

import io.egressproxy.core.EgressProxy;

/**
 * Proxies for tests: listening on 127.0.0.1 with a free port and resolving names only through
 * the JVM-wide {@link TestDnsServer} (so no test ever sends a DNS query off the machine).
 */
public final class TestProxies {
    private static final TestDnsServer DNS = new TestDnsServer();
    private static final java.nio.file.Path CA_DIR = tempDir();

    private static java.nio.file.Path tempDir() {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("egress-proxy-test-ca");
            dir.toFile().deleteOnExit();
            return dir.resolve("ca");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The interception CA directory every test proxy shares (never the user's home). */
    public static java.nio.file.Path caDir() {
        return CA_DIR;
    }

    private TestProxies() {
    }

    /** The shared loopback DNS server; tests add their own names to it. */
    public static TestDnsServer dns() {
        return DNS;
    }

    /** A builder with loopback listen and test DNS already set. */
    public static EgressProxy.Builder builder() {
        return EgressProxy.builder()
                .listen("127.0.0.1:0")
                .set("egress-proxy.dns.servers", java.util.List.of(DNS.address()))
                .set("egress-proxy.dns.query-timeout", "2s")
                .set("egress-proxy.tls.ca-dir", CA_DIR.toString())
                .set("egress-proxy.admin.listen", "127.0.0.1:0")
                .set("egress-proxy.admin.token-file", CA_DIR.resolveSibling("admin-token").toString())
                .set("egress-proxy.limits.drain-timeout", "5s");
    }

    /** The admin token file every test proxy uses. */
    public static java.nio.file.Path adminTokenFile() {
        return CA_DIR.resolveSibling("admin-token");
    }

    /** {@code http://127.0.0.1:PORT} of a running proxy, for curl -x. */
    public static String url(EgressProxy proxy) {
        return "http://127.0.0.1:" + proxy.address().getPort();
    }
}
