package io.egressproxy.cli.sandbox;

import com.typesafe.config.ConfigFactory;
import io.egressproxy.cli.Main;
import io.egressproxy.core.EgressProxy;
import io.egressproxy.core.testing.OriginServer;
import io.egressproxy.core.testing.TestProxies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher against a real Docker engine (issue 7): starts its own {@code dockerd} (own data,
 * exec root and socket under a temp dir; no default bridge, no iptables of its own), imports a
 * busybox image, runs a proxy and a loopback origin in this JVM, and then drives
 * {@code egress-proxy sandbox run|exec|ls|rm} through {@link Main#commandLine()}. From inside the
 * container it proves: the allowed loopback origin is reached through the per-sandbox listener on
 * the gateway, a denied host gets the proxy's 403 with its reason, a host port other than the
 * listener cannot be reached, the API key is added on the way out while the container holds only
 * the placeholder; and that {@code rm} leaves no container, network or firewall rule behind.
 *
 * <p>Tagged {@code docker}: excluded by default; run with {@code -Dgroups=docker}. Needs root,
 * {@code dockerd}, {@code docker}, {@code iptables} and a static {@code /bin/busybox}; skipped
 * (with the reason) otherwise. All traffic stays on loopback and the network the test creates.
 */
@Tag("docker")
@EnabledOnOs(OS.LINUX)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RealDockerSandboxTest {
    private static final String IMAGE = "egress-proxy-e2e-busybox:latest";
    private static final String NO_SHELL_IMAGE = "egress-proxy-e2e-no-shell:latest";
    private static final String SECRET = "real-secret-e2e-7731";
    private static final String PLACEHOLDER = "placeholder-value";
    private static final String KEY_VAR = "E2E_API_KEY";

    private static RealDockerEngine engine;
    private static Path root;
    private static Path dockerWrapper;

    @BeforeAll
    static void startDockerd() throws Exception {
        engine = RealDockerEngine.start();
        root = engine.root();
        dockerWrapper = engine.dockerWrapper();
        // The image: a static busybox and the applets the launcher's scripts and this test use.
        engine.importImage(engine.busyboxRootfs("rootfs", List.of("sh", "nc", "cat", "env", "sleep", "ls", "printf", "grep",
                "sed", "mkdir", "echo", "test", "wc", "head", "tr", "true", "false")), IMAGE, "[\"/bin/sh\"]");
        // An image without /bin/sh, which the launcher needs: `docker run` creates the container, then fails.
        engine.importImage(engine.busyboxRootfs("rootfs-no-shell", List.of()), NO_SHELL_IMAGE,
                "[\"/bin/busybox\", \"sleep\", \"600\"]");
    }

    @AfterAll
    static void stopDockerd() throws Exception {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void aSandboxReachesOnlyTheProxyWhichAddsTheKeyAndRmRemovesEverything() throws Exception {
        String name = "e2e" + Long.toHexString(System.nanoTime() & 0xfffff);
        Path state = root.resolve("state");
        long started = System.nanoTime();
        try (OriginServer origin = new OriginServer();
             EgressProxy proxy = TestProxies.builder().config(ConfigFactory.parseString(credentials(origin.port()))).start()) {
            Path conf = Files.writeString(root.resolve("cli.conf"), "egress-proxy.admin { listen = \"127.0.0.1:"
                    + proxy.adminAddress().getPort() + "\", token-file = \"" + TestProxies.adminTokenFile() + "\" }\n"
                    + "egress-proxy.tls.ca-dir = \"" + TestProxies.caDir() + "\"\n"
                    + credentials(origin.port()) + "\n");
            List<String> common = List.of("--config", conf.toString(), "--docker", dockerWrapper.toString(),
                    "--state-dir", state.toString(), "--subnet-pool", "10.213.0.0/16");
            try {
                InProcessCli.Result launched = InProcessCli.run(InProcessCli.args(List.of("sandbox", "run", name, "--image", IMAGE, "--allow-host",
                        "localhost:" + origin.port(), "--detach"), common, List.of("--", "sleep", "600")));
                assertThat(launched.code()).as(launched.err()).isZero();
                assertThat(launched.out()).contains(name);
                assertThat(launched.err()).doesNotContain("WARNING: cannot add host firewall rules");

                String gateway = docker("network", "inspect", "--format", "{{range .IPAM.Config}}{{.Gateway}}{{end}}",
                        DockerArgs.networkName(name)).strip();
                assertThat(gateway).startsWith("10.213.");
                String env = docker("exec", name, "env");
                String proxyPort = env.lines().filter(l -> l.startsWith("HTTP_PROXY=")).findFirst().orElseThrow()
                        .replaceAll(".*:", "");
                assertThat(env).contains("HTTP_PROXY=http://host.docker.internal:" + proxyPort);
                assertThat(docker("exec", name, "cat", "/etc/hosts")).containsPattern(gateway + "\\s+host.docker.internal");
                assertThat(docker("exec", name, "cat", SandboxEnvironment.SYSTEM_BUNDLE))
                        .as("the CA is installed").isEqualTo(Files.readString(TestProxies.caDir().resolve("ca.pem")));
                // a JVM would trust the CA through the mounted trust store that JAVA_TOOL_OPTIONS names
                assertThat(env).contains("-Djavax.net.ssl.trustStore=" + SandboxEnvironment.JAVA_TRUST_STORE);
                assertThat(docker("exec", "-u", "65534", name, "sh", "-c", "wc -c < " + SandboxEnvironment.JAVA_TRUST_STORE).strip())
                        .as("readable by any user").isEqualTo(String.valueOf(Files.size(state.resolve("truststore.p12"))));

                // (1) + (4): the allowed loopback origin, through the listener on the gateway; the
                // container sends its placeholder, the origin gets the real key.
                String allowed = http(name, gateway, proxyPort, "localhost:" + origin.port(), "/echo", true);
                assertThat(allowed).as(allowed).startsWith("HTTP/1.1 200");
                assertThat(origin.requests()).isNotEmpty();
                OriginServer.Seen seen = origin.requests().get(origin.requests().size() - 1);
                assertThat(seen.path()).isEqualTo("/echo");
                assertThat(seen.header("x-api-key")).containsExactly(SECRET);
                assertThat(allowed).as("the secret never comes back into the sandbox").doesNotContain(SECRET);
                assertThat(env).contains(KEY_VAR + "=" + PLACEHOLDER).doesNotContain(SECRET);
                assertThat(docker("inspect", "--format", "{{json .Config.Env}}", name)).doesNotContain(SECRET);
                // ... also through `sandbox exec` (its exit code is the command's)
                assertThat(InProcessCli.run(InProcessCli.args(List.of("sandbox", "exec", name), common, List.of("--", "sh", "-c",
                        "test \"$" + KEY_VAR + "\" = " + PLACEHOLDER))).code()).isZero();
                assertThat(InProcessCli.run(InProcessCli.args(List.of("sandbox", "exec", name), common, List.of("--", "sh", "-c",
                        "test \"$" + KEY_VAR + "\" = something-else"))).code()).isEqualTo(1);

                // (2) a host not on the sandbox's allow list: 403 with the reason
                String denied = http(name, gateway, proxyPort, "denied.invalid:8080", "/", false);
                assertThat(denied).as(denied).startsWith("HTTP/1.1 403");
                assertThat(denied).containsIgnoringCase("X-Egress-Proxy-Reason:").contains("denied.invalid");
                // ... and so is the admin API, as a target through the proxy
                assertThat(http(name, gateway, proxyPort, "localhost:" + proxy.adminAddress().getPort(), "/healthz", false))
                        .startsWith("HTTP/1.1 403");

                // (3) nothing else on the host: a service listening on the gateway address itself
                // (the firewall drops it) and the admin and origin ports
                try (ServerSocket service = new ServerSocket(0, 5, InetAddress.getByName(gateway))) {
                    service.setSoTimeout(1);
                    assertThat(connects(name, gateway, service.getLocalPort())).as("host service on the gateway").isFalse();
                    assertThat(acceptedAny(service)).isFalse();
                }
                assertThat(connects(name, gateway, proxy.adminAddress().getPort())).as("admin port").isFalse();
                assertThat(connects(name, gateway, origin.port())).as("origin port").isFalse();
                assertThat(connects(name, gateway, Integer.parseInt(proxyPort))).as("the listener itself").isTrue();
                assertThat(iptablesRules(name)).as("the sandbox's firewall rules").hasSize(3);

                InProcessCli.Result logs = InProcessCli.run(InProcessCli.args(List.of("sandbox", "logs", name), common, List.of()));
                assertThat(logs.code()).as(logs.err()).isZero();
                assertThat(logs.out()).contains("denied.invalid:8080", "not in the allow-list");

                InProcessCli.Result ls = InProcessCli.run(InProcessCli.args(List.of("sandbox", "ls"), common, List.of()));
                assertThat(ls.code()).as(ls.err()).isZero();
                assertThat(ls.out()).containsPattern(name + "\tdocker\tUp .*\t" + IMAGE + "\tregistered");
            } finally {
                // (5) rm: no container, network, firewall rule, listener or registration is left
                InProcessCli.Result rm = InProcessCli.run(InProcessCli.args(List.of("sandbox", "rm", name), common, List.of()));
                assertThat(rm.code()).as(rm.err()).isZero();
                assertThat(docker("ps", "-aq", "--filter", "label=" + Labels.SANDBOX + "=" + name)).isBlank();
                assertThat(docker("network", "ls", "-q", "--filter", "label=" + Labels.SANDBOX + "=" + name)).isBlank();
                assertThat(docker("network", "ls", "--format", "{{.Name}}")).doesNotContain(DockerArgs.networkName(name));
                assertThat(iptablesRules(name)).isEmpty();
                assertThat(run(List.of("ip", "link", "show", DockerArgs.bridgeInterface(name))).code()).isNotZero();
                InProcessCli.Result lsAfter = InProcessCli.run(InProcessCli.args(List.of("sandbox", "ls"), common, List.of()));
                assertThat(lsAfter.out()).as("neither container nor registration is left").doesNotContain(name);
                InProcessCli.Result again = InProcessCli.run(InProcessCli.args(List.of("sandbox", "rm", name), common, List.of()));
                assertThat(again.code()).as("rm is idempotent: " + again.err()).isZero();
                System.out.printf("real-docker sandbox test: %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            }
        }
    }

    @Test
    void aLaunchThatFailsOnTheRealEngineLeavesNothingBehind() throws Exception {
        String name = "e2efail" + Long.toHexString(System.nanoTime() & 0xfffff);
        try (EgressProxy proxy = TestProxies.builder().start()) {
            Path conf = Files.writeString(root.resolve("cli-fail.conf"), "egress-proxy.admin { listen = \"127.0.0.1:"
                    + proxy.adminAddress().getPort() + "\", token-file = \"" + TestProxies.adminTokenFile() + "\" }\n"
                    + "egress-proxy.tls.ca-dir = \"" + TestProxies.caDir() + "\"\n");
            List<String> common = List.of("--config", conf.toString(), "--docker", dockerWrapper.toString(),
                    "--state-dir", root.resolve("state-fail").toString(), "--subnet-pool", "10.213.0.0/16");
            InProcessCli.Result launched = InProcessCli.run(InProcessCli.args(List.of("sandbox", "run", name, "--image", NO_SHELL_IMAGE, "--detach"), common, List.of()));
            assertThat(launched.code()).isEqualTo(1);
            assertThat(launched.err()).contains("`docker run -d --name " + name, "failed with exit code",
                    "everything created for it was removed again");
            assertThat(docker("ps", "-aq", "--filter", "label=" + Labels.SANDBOX + "=" + name)).isBlank();
            assertThat(docker("network", "ls", "-q", "--filter", "label=" + Labels.SANDBOX + "=" + name)).isBlank();
            assertThat(iptablesRules(name)).isEmpty();
            assertThat(InProcessCli.run(InProcessCli.args(List.of("sandbox", "ls"), common, List.of())).out()).doesNotContain(name);
        }
    }

    private static String credentials(int originPort) {
        // a literal secret names no variable: placeholder-env names the one the launcher sets to the placeholder
        return "egress-proxy.credentials = [ { name = t, hosts = [\"localhost:" + originPort + "\"], header = \"x-api-key\","
                + " secret = \"" + SECRET + "\", placeholder-env = \"" + KEY_VAR + "\", placeholder = \"" + PLACEHOLDER + "\","
                + " allow-plain-http = true } ]";
    }

    /** A proxy request from inside the container (busybox wget crashes here; nc and printf do not), with the answer. */
    private static String http(String container, String gateway, String proxyPort, String authority, String path,
                               boolean sendPlaceholder) throws Exception {
        String request = "GET http://" + authority + path + " HTTP/1.1\\r\\nHost: " + authority + "\\r\\n"
                + (sendPlaceholder ? "x-api-key: $" + KEY_VAR + "\\r\\n" : "") + "Connection: close\\r\\n\\r\\n";
        // busybox nc closes the whole connection at the end of its stdin, so stdin stays open
        // until the answer has come (nc returns as soon as the proxy closes).
        return docker("exec", container, "sh", "-c", "(printf \"" + request + "\"; sleep 3) | nc -w 5 " + gateway + " " + proxyPort);
    }

    /** Whether a TCP connection from the container to the gateway's port succeeds. */
    private static boolean connects(String container, String gateway, int port) throws Exception {
        RealDockerEngine.Result r = run(List.of(dockerWrapper.toString(), "exec", container, "sh", "-c",
                "echo x | nc -w 3 " + gateway + " " + port + " >/dev/null"));
        return r.code() == 0;
    }

    private static boolean acceptedAny(ServerSocket service) throws IOException {
        try {
            service.accept().close();
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private static List<String> iptablesRules(String name) throws Exception {
        return engine.iptablesRules(name);
    }




    private static String docker(String... args) throws Exception {
        return engine.docker(args);
    }

    private static RealDockerEngine.Result run(List<String> argv) throws Exception {
        return RealDockerEngine.run(argv);
    }
}
