package io.egressproxy.cli.sandbox;

import io.egressproxy.core.EgressProxy;
import io.egressproxy.core.testing.OriginServer;
import io.egressproxy.core.testing.TestProxies;
import io.egressproxy.core.testing.TestTls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * HTTPS from inside a sandbox on a real Docker engine ({@link RealDockerEngine}): this machine's
 * {@code curl} and the shared libraries it links (found with {@code ldd}) go into the image, since
 * busybox has no TLS client. Only the launcher's variables and CA install are used: curl finds the
 * proxy in {@code HTTPS_PROXY}, the proxy intercepts the tunnel to a loopback HTTPS origin (its
 * certificate from a CA made here, which only the proxy trusts), curl trusts the proxy's leaf through
 * the CA the launcher installed, and the origin receives the real key while curl sent the
 * placeholder. Skipped without {@code curl} or {@code ldd}.
 */
@Tag("docker")
@EnabledOnOs(OS.LINUX)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RealDockerHttpsTest {
    private static final String IMAGE = "egress-proxy-e2e-curl:latest";
    private static final String SECRET = "https-secret-e2e-4410";
    private static final String PLACEHOLDER = "https-placeholder";
    private static final String KEY_VAR = "E2E_HTTPS_KEY";

    private static RealDockerEngine engine;
    private static boolean jre;

    @BeforeAll
    static void startDockerd() throws Exception {
        engine = RealDockerEngine.start();
        String curl = RealDockerEngine.onPath("curl").orElse(null);
        assumeTrue(curl != null && RealDockerEngine.onPath("ldd").isPresent(), "skipped: needs curl and ldd on this machine");
        Path rootfs = engine.busyboxRootfs("rootfs-curl", List.of("sh", "cat", "env", "sleep", "grep", "sed", "mkdir",
                "echo", "test", "head"));
        copy(Path.of(curl), rootfs.resolve("usr/bin/curl"));
        copyLibraries(Path.of(curl), rootfs);
        jre = addJavaRuntime(rootfs);
        if (Files.exists(Path.of("/etc/ld.so.cache"))) {
            copy(Path.of("/etc/ld.so.cache"), rootfs.resolve("etc/ld.so.cache")); // the libraries are at this machine's paths
        }
        // getaddrinfo: host.docker.internal is in /etc/hosts; files first (an --internal network has no DNS out)
        Files.writeString(rootfs.resolve("etc/nsswitch.conf"), "hosts: files dns\n");
        engine.importImage(rootfs, IMAGE, "[\"/bin/sh\"]");
    }

    @AfterAll
    static void stopDockerd() throws Exception {
        if (engine != null) {
            engine.close();
        }
    }

    /**
     * A small runtime (jlink from this JDK: {@code java.base}, and {@code jdk.crypto.ec}, without which
     * a Java 17 runtime cannot do the EC handshake the proxy's leaves need) at /opt/jre with its libraries, and
     * {@link TlsProbe} at /opt/probe; false (nothing added) when this JDK has no jlink or jmods.
     */
    private static boolean addJavaRuntime(Path rootfs) throws Exception {
        Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
        if (!Files.isExecutable(jlink) || !Files.isDirectory(Path.of(System.getProperty("java.home"), "jmods"))) {
            return false;
        }
        Path jre = rootfs.resolve("opt/jre");
        RealDockerEngine.Result made = RealDockerEngine.run(List.of(jlink.toString(), "--add-modules", "java.base,jdk.crypto.ec",
                "--strip-debug", "--no-header-files", "--no-man-pages", "--output", jre.toString()));
        assertThat(made.code()).as(made.err()).isZero();
        copyLibraries(jre.resolve("bin/java"), rootfs);
        copyLibraries(jre.resolve("lib/server/libjvm.so"), rootfs);
        String probe = TlsProbe.class.getName().replace('.', '/') + ".class";
        copy(Path.of(TlsProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).resolve(probe),
                rootfs.resolve("opt/probe").resolve(probe));
        return true;
    }

    /** Copies every system library {@code ldd} lists for {@code elf} into {@code rootfs} at its own path. */
    private static void copyLibraries(Path elf, Path rootfs) throws Exception {
        RealDockerEngine.Result ldd = RealDockerEngine.run(List.of("ldd", elf.toString()));
        assertThat(ldd.code()).as(ldd.err()).isZero();
        Matcher library = Pattern.compile("(/\\S+) \\(0x").matcher(ldd.out()); // "/lib/…/libc.so.6 (0x…)"
        while (library.find()) {
            if (!library.group(1).startsWith(rootfs.toString())) { // the runtime's own libraries are there already
                copy(Path.of(library.group(1)), rootfs.resolve(library.group(1).substring(1)));
            }
        }
    }

    /** The file's content (symbolic links followed), creating the directories. */
    private static void copy(Path source, Path target) throws Exception {
        Files.createDirectories(target.getParent());
        Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void curlInTheSandboxGetsAnInterceptedHttpsOriginWithTheKeyAddedOnTheWayOut() throws Exception {
        String name = "e2etls" + Long.toHexString(System.nanoTime() & 0xfffff);
        TestTls originCa = new TestTls();
        try (OriginServer origin = new OriginServer(originCa.serverContext("host.docker.internal"))) {
            String credentials = "egress-proxy.credentials = [ { name = t, hosts = [\"localhost:" + origin.port() + "\"],"
                    + " header = \"x-api-key\", secret = \"" + SECRET + "\", placeholder-env = \"" + KEY_VAR + "\","
                    + " placeholder = \"" + PLACEHOLDER + "\" } ]\n";
            String upstreamTrust = "egress-proxy.tls.upstream-trust = [\"" + originCa.writeCaPem(engine.root().resolve("origin-ca.pem")) + "\"]\n";
            try (EgressProxy proxy = TestProxies.builder().config(com.typesafe.config.ConfigFactory.parseString(credentials + upstreamTrust)).start()) {
                Path conf = Files.writeString(engine.root().resolve("cli-tls.conf"), "egress-proxy.admin { listen = \"127.0.0.1:"
                        + proxy.adminAddress().getPort() + "\", token-file = \"" + TestProxies.adminTokenFile() + "\" }\n"
                        + "egress-proxy.tls.ca-dir = \"" + TestProxies.caDir() + "\"\n" + credentials);
                List<String> common = List.of("--config", conf.toString(), "--docker", engine.dockerWrapper().toString(),
                        "--state-dir", engine.root().resolve("state-tls").toString(), "--subnet-pool", "10.213.0.0/16");
                try {
                    InProcessCli.Result launched = InProcessCli.run(InProcessCli.args(List.of("sandbox", "run", name, "--image", IMAGE, "--allow-host",
                            "localhost:" + origin.port(), "--detach"), common, List.of("--", "sleep", "600")));
                    assertThat(launched.code()).as(launched.err()).isZero();

                    // No -k, no --cacert, no -x: the launcher's environment and CA install are all curl gets.
                    RealDockerEngine.Result curl = engine.dockerResult("exec", name, "sh", "-c",
                            "curl -sS --max-time 20 -H \"x-api-key: $" + KEY_VAR + "\" -w ' status=%{http_code}'"
                                    + " https://host.docker.internal:" + origin.port() + "/echo");
                    assertThat(curl.code()).as("curl: %s %s", curl.out(), curl.err()).isZero();
                    assertThat(curl.out()).endsWith(" status=200").doesNotContain(SECRET);
                    OriginServer.Seen seen = origin.requests().get(origin.requests().size() - 1);
                    assertThat(seen.path()).isEqualTo("/echo");
                    assertThat(seen.header("x-api-key")).as("the proxy added the key").containsExactly(SECRET);
                    assertThat(engine.docker("exec", name, "env")).contains(KEY_VAR + "=" + PLACEHOLDER).doesNotContain(SECRET);

                    // curl verified the proxy's leaf (the origin's CA is nowhere in the sandbox), so the
                    // tunnel was intercepted, which is also how the key got in
                    assertThat(engine.docker("exec", name, "cat", SandboxEnvironment.SYSTEM_BUNDLE))
                            .doesNotContain(originCa.ca().certificatePem().lines().skip(1).findFirst().orElseThrow());
                    if (jre) {
                        // A JVM with only the launcher's JAVA_TOOL_OPTIONS: proxy properties and the
                        // trust store holding the proxy's CA (it reads no PEM bundle).
                        RealDockerEngine.Result java = engine.dockerResult("exec", name, "/opt/jre/bin/java", "-cp", "/opt/probe",
                                TlsProbe.class.getName(), "https://host.docker.internal:" + origin.port() + "/echo", "x-api-key", KEY_VAR);
                        assertThat(java.code()).as("java: %s %s", java.out(), java.err()).isZero();
                        assertThat(java.out()).contains("status=200");
                        assertThat(origin.requests().get(origin.requests().size() - 1).header("x-api-key")).containsExactly(SECRET);
                    } else {
                        System.out.println("RealDockerHttpsTest: no jlink/jmods in this JDK; the JVM-in-sandbox check is skipped");
                    }
                    RealDockerEngine.Result direct = engine.dockerResult("exec", name, "sh", "-c",
                            "curl -sS --max-time 5 --noproxy '*' https://host.docker.internal:" + origin.port() + "/echo");
                    assertThat(direct.code()).as("no way around the proxy").isNotZero();
                } finally {
                    InProcessCli.Result rm = InProcessCli.run(InProcessCli.args(List.of("sandbox", "rm", name), common, List.of()));
                    assertThat(rm.code()).as(rm.err()).isZero();
                    assertThat(engine.docker("ps", "-aq", "--filter", "label=" + Labels.SANDBOX + "=" + name)).isBlank();
                }
            }
        }
    }



}
