package io.egressproxy.cli.sandbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment a sandbox gets so that common runtimes use the proxy and trust its CA: the proxy
 * variables in both cases, Node's opt-in, Java's proxy properties and trust store, the CA paths for
 * OpenSSL, Python and Node, and placeholder values for the API keys the proxy adds. Pure functions; the paths are
 * inside the sandbox.
 */
public final class SandboxEnvironment {
    /** Where the CA certificate is (mounted or written) inside the sandbox; update-ca-certificates picks up *.crt here. */
    public static final String CA_FILE = "/usr/local/share/ca-certificates/egress-proxy.crt";
    /** Where the Java trust store ({@link JavaTrustStore}: the JDK's CAs plus the proxy's) is inside the sandbox. */
    public static final String JAVA_TRUST_STORE = "/opt/egress-proxy/truststore.p12";
    /** The system bundle, which {@link #CA_INSTALL_SCRIPT} makes sure holds the CA. */
    public static final String SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
    /** Never sent through the proxy: the sandbox's own loopback. */
    public static final String NO_PROXY = "localhost,127.0.0.1,::1";

    /**
     * Run as root inside the sandbox: writes the CA from stdin when it is not mounted, runs
     * update-ca-certificates where the image has it, and otherwise appends the CA to the system
     * bundle, so SSL_CERT_FILE and REQUESTS_CA_BUNDLE hold it either way.
     */
    public static final String CA_INSTALL_SCRIPT = String.join("\n",
            "set -e",
            "ca=" + CA_FILE,
            "if [ ! -s \"$ca\" ]; then mkdir -p \"${ca%/*}\"; cat > \"$ca\"; fi",
            "if command -v update-ca-certificates >/dev/null 2>&1; then update-ca-certificates >/dev/null 2>&1 || true; fi",
            "bundle=" + SYSTEM_BUNDLE,
            "if ! grep -qF \"$(sed -n 2p \"$ca\")\" \"$bundle\" 2>/dev/null; then mkdir -p \"${bundle%/*}\"; cat \"$ca\" >> \"$bundle\"; fi");

    private SandboxEnvironment() {
    }

    /**
     * @param proxyHost    the proxy as the sandbox reaches it ({@code host.docker.internal})
     * @param placeholders API-key variable → placeholder, for credential rules that are active
     * @param userEnv      {@code K=V} from {@code -e}, last so they win
     */
    public static Map<String, String> build(String proxyHost, int proxyPort, Map<String, String> placeholders, List<String> userEnv) {
        String url = "http://" + proxyHost + ":" + proxyPort;
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HTTP_PROXY", url);
        env.put("http_proxy", url);
        env.put("HTTPS_PROXY", url);
        env.put("https_proxy", url);
        env.put("NO_PROXY", NO_PROXY);
        env.put("no_proxy", NO_PROXY);
        env.put("NODE_USE_ENV_PROXY", "1");
        env.put("JAVA_TOOL_OPTIONS", "-Dhttp.proxyHost=" + proxyHost + " -Dhttp.proxyPort=" + proxyPort
                + " -Dhttps.proxyHost=" + proxyHost + " -Dhttps.proxyPort=" + proxyPort
                + " -Dhttp.nonProxyHosts=localhost|127.0.0.1|[::1]"
                // a JVM ignores the PEM bundles above; it trusts the proxy's CA only through its trust store
                + " -Djavax.net.ssl.trustStore=" + JAVA_TRUST_STORE + " -Djavax.net.ssl.trustStoreType=PKCS12"
                + " -Djavax.net.ssl.trustStorePassword=" + JavaTrustStore.PASSWORD);
        env.put("NODE_EXTRA_CA_CERTS", CA_FILE);
        env.put("SSL_CERT_FILE", SYSTEM_BUNDLE);
        env.put("REQUESTS_CA_BUNDLE", SYSTEM_BUNDLE);
        env.putAll(placeholders);
        for (String kv : userEnv) {
            int eq = kv.indexOf('=');
            env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return env;
    }
}
