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
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    private static Path root;
    private static Process dockerd;
    private static Path dockerWrapper;
    private static String iptables;

    @BeforeAll
    static void startDockerd() throws Exception {
        assumeTrue(isRoot(), "skipped: needs root (starts dockerd and adds iptables rules)");
        Optional<String> dockerdBin = onPath("dockerd");
        Optional<String> dockerBin = onPath("docker");
        Optional<String> iptablesBin = onPath("iptables");
        assumeTrue(dockerdBin.isPresent(), "skipped: dockerd is not installed (Debian: apt-get install docker.io)");
        assumeTrue(dockerBin.isPresent(), "skipped: the docker client is not installed");
        assumeTrue(iptablesBin.isPresent(), "skipped: iptables is not installed");
        assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "skipped: /bin/busybox is missing (apt-get install busybox-static)");
        iptables = iptablesBin.get();

        root = Files.createTempDirectory("ep-dockerd");
        Path sock = root.resolve("docker.sock");
        List<String> argv = List.of(dockerdBin.get(), "--data-root", root.resolve("data").toString(),
                "--exec-root", root.resolve("exec").toString(), "--host", "unix://" + sock,
                "--pidfile", root.resolve("docker.pid").toString(), "--bridge=none", "--ip-forward=false",
                "--ip-masq=false", "--iptables=false");
        dockerd = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(root.resolve("dockerd.log").toFile()).start();

        // The launcher runs `docker` with this JVM's environment, which a test cannot change; the
        // documented --docker FILE option points it at a wrapper that names our daemon instead.
        Files.createDirectories(root.resolve("client"));
        dockerWrapper = root.resolve("docker");
        Files.writeString(dockerWrapper, "#!/bin/sh\nexport DOCKER_HOST='unix://" + sock + "'\nexport DOCKER_CONFIG='"
                + root.resolve("client") + "'\nexec '" + dockerBin.get() + "' \"$@\"\n");
        Files.setPosixFilePermissions(dockerWrapper, PosixFilePermissions.fromString("rwx------"));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (run(List.of(dockerWrapper.toString(), "version", "--format", "{{.Server.Version}}")).code != 0) {
            if (!dockerd.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("dockerd did not start; its log:\n" + Files.readString(root.resolve("dockerd.log")));
            }
            Thread.sleep(250);
        }

        // The image: a static busybox and the applets the launcher's scripts and this test use.
        Path rootfs = root.resolve("rootfs");
        Files.createDirectories(rootfs.resolve("bin"));
        Files.createDirectories(rootfs.resolve("tmp"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
        for (String applet : List.of("sh", "nc", "cat", "env", "sleep", "ls", "printf", "grep", "sed", "mkdir", "echo",
                "test", "wc", "head", "tr", "true", "false")) {
            Files.createSymbolicLink(rootfs.resolve("bin/" + applet), Path.of("busybox"));
        }
        Result tar = run(List.of("tar", "-C", rootfs.toString(), "-cf", rootfs + ".tar", "."));
        assertThat(tar.code).as(tar.err).isZero();
        docker("import", "--change", "CMD [\"/bin/sh\"]", rootfs + ".tar", IMAGE);

        // An image without /bin/sh, which the launcher needs: `docker run` creates the container, then fails.
        Path noShell = root.resolve("rootfs-no-shell");
        Files.createDirectories(noShell.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), noShell.resolve("bin/busybox"));
        Result tar2 = run(List.of("tar", "-C", noShell.toString(), "-cf", noShell + ".tar", "."));
        assertThat(tar2.code).as(tar2.err).isZero();
        docker("import", "--change", "CMD [\"/bin/busybox\", \"sleep\", \"600\"]", noShell + ".tar", NO_SHELL_IMAGE);
    }

    @AfterAll
    static void stopDockerd() throws Exception {
        if (dockerd != null) {
            dockerd.destroy(); // SIGTERM: dockerd stops containers, removes its bridges and unmounts
            if (!dockerd.waitFor(30, TimeUnit.SECONDS)) {
                dockerd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (root != null) {
            // Anything dockerd left mounted under the temp dir (it should leave nothing).
            for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
                String mountPoint = line.split(" ")[1];
                if (mountPoint.startsWith(root.toString())) {
                    run(List.of("umount", "-l", mountPoint));
                }
            }
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
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
                Cli launched = cli(concat(List.of("sandbox", "run", name, "--image", IMAGE, "--allow-host",
                        "localhost:" + origin.port(), "--detach"), common, List.of("--", "sleep", "600")));
                assertThat(launched.code).as(launched.err).isZero();
                assertThat(launched.out).contains(name);
                assertThat(launched.err).doesNotContain("WARNING: cannot add host firewall rules");

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
                assertThat(cli(concat(List.of("sandbox", "exec", name), common, List.of("--", "sh", "-c",
                        "test \"$" + KEY_VAR + "\" = " + PLACEHOLDER))).code).isZero();
                assertThat(cli(concat(List.of("sandbox", "exec", name), common, List.of("--", "sh", "-c",
                        "test \"$" + KEY_VAR + "\" = something-else"))).code).isEqualTo(1);

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

                Cli logs = cli(concat(List.of("sandbox", "logs", name), common, List.of()));
                assertThat(logs.code).as(logs.err).isZero();
                assertThat(logs.out).contains("denied.invalid:8080", "not in the allow-list");

                Cli ls = cli(concat(List.of("sandbox", "ls"), common, List.of()));
                assertThat(ls.code).as(ls.err).isZero();
                assertThat(ls.out).containsPattern(name + "\tdocker\tUp .*\t" + IMAGE + "\tregistered");
            } finally {
                // (5) rm: no container, network, firewall rule, listener or registration is left
                Cli rm = cli(concat(List.of("sandbox", "rm", name), common, List.of()));
                assertThat(rm.code).as(rm.err).isZero();
                assertThat(docker("ps", "-aq", "--filter", "label=" + Labels.SANDBOX + "=" + name)).isBlank();
                assertThat(docker("network", "ls", "-q", "--filter", "label=" + Labels.SANDBOX + "=" + name)).isBlank();
                assertThat(docker("network", "ls", "--format", "{{.Name}}")).doesNotContain(DockerArgs.networkName(name));
                assertThat(iptablesRules(name)).isEmpty();
                assertThat(run(List.of("ip", "link", "show", DockerArgs.bridgeInterface(name))).code).isNotZero();
                Cli lsAfter = cli(concat(List.of("sandbox", "ls"), common, List.of()));
                assertThat(lsAfter.out).as("neither container nor registration is left").doesNotContain(name);
                Cli again = cli(concat(List.of("sandbox", "rm", name), common, List.of()));
                assertThat(again.code).as("rm is idempotent: " + again.err).isZero();
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
            Cli launched = cli(concat(List.of("sandbox", "run", name, "--image", NO_SHELL_IMAGE, "--detach"), common, List.of()));
            assertThat(launched.code).isEqualTo(1);
            assertThat(launched.err).contains("`docker run -d --name " + name, "failed with exit code",
                    "everything created for it was removed again");
            assertThat(docker("ps", "-aq", "--filter", "label=" + Labels.SANDBOX + "=" + name)).isBlank();
            assertThat(docker("network", "ls", "-q", "--filter", "label=" + Labels.SANDBOX + "=" + name)).isBlank();
            assertThat(iptablesRules(name)).isEmpty();
            assertThat(cli(concat(List.of("sandbox", "ls"), common, List.of())).out).doesNotContain(name);
        }
    }

    private static String credentials(int originPort) {
        // secret wins over env for the proxy; env names the variable the launcher sets to the placeholder
        return "egress-proxy.credentials = [ { name = t, hosts = [\"localhost:" + originPort + "\"], header = \"x-api-key\","
                + " secret = \"" + SECRET + "\", env = \"" + KEY_VAR + "\", placeholder = \"" + PLACEHOLDER + "\","
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
        Result r = run(List.of(dockerWrapper.toString(), "exec", container, "sh", "-c",
                "echo x | nc -w 3 " + gateway + " " + port + " >/dev/null"));
        return r.code == 0;
    }

    private static boolean acceptedAny(ServerSocket service) throws IOException {
        try {
            service.accept().close();
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private List<String> iptablesRules(String name) throws Exception {
        List<String> rules = new ArrayList<>();
        for (String table : List.of("filter", "nat", "raw", "mangle")) {
            Result r = run(List.of(iptables, "-w", "5", "-t", table, "-S"));
            assertThat(r.code).as(r.err).isZero();
            r.out.lines().filter(l -> l.contains(FirewallArgs.comment(name))
                    || l.contains(DockerArgs.bridgeInterface(name))).forEach(rules::add);
        }
        return rules;
    }

    private record Cli(int code, String out, String err) {
    }

    private static Cli cli(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args.toArray(String[]::new));
        return new Cli(code, out.toString(), err.toString());
    }

    private static List<String> concat(List<String> a, List<String> b, List<String> c) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        all.addAll(c);
        return all;
    }

    private record Result(int code, String out, String err) {
    }

    /** docker (our daemon) with these args; fails the test on a non-zero exit. */
    private static String docker(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(dockerWrapper.toString()));
        argv.addAll(List.of(args));
        Result r = run(argv);
        assertThat(r.code).as("%s: %s", argv, r.err).isZero();
        return r.out;
    }

    private static Result run(List<String> argv) throws Exception {
        Path out = Files.createTempFile("ep-e2e", ".out");
        Path err = Files.createTempFile("ep-e2e", ".err");
        try {
            Process p = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(argv + " did not finish within 60s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static boolean isRoot() {
        try {
            return run(List.of("id", "-u")).out.strip().equals("0");
        } catch (Exception e) {
            return false;
        }
    }

    private static Optional<String> onPath(String command) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, command))
                .filter(Files::isExecutable).map(Path::toString).findFirst();
    }
}
