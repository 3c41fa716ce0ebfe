package io.egressproxy.cli.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure functions that build every docker, docker sandbox and iptables argv. */
@Timeout(10)
class ArgvBuildersTest {
    private static SandboxSpec spec(List<String> volumes, Path workspace) {
        return new SandboxSpec("agent", "busybox:latest", SandboxRuntimeKind.DOCKER, List.of("localhost:8080"), List.of(),
                List.of(BridgeRoute.parse("54321=localhost:12434")), List.of("FOO=bar"), volumes, workspace, false, List.of());
    }

    @Test
    void networkIsInternalWithSubnetGatewayBridgeNameAndLabels() {
        assertThat(DockerArgs.networkCreate("agent", new Subnet("10.213.4.0/24", "10.213.4.1"))).containsExactly(
                "docker", "network", "create", "--driver", "bridge", "--internal", "--subnet", "10.213.4.0/24",
                "--gateway", "10.213.4.1", "--opt", "com.docker.network.bridge.name=" + DockerArgs.bridgeInterface("agent"),
                "--label", "io.egressproxy.sandbox=agent", "--label", "io.egressproxy.runtime=docker", "egress-proxy-agent");
        assertThat(DockerArgs.bridgeInterface("a-very-long-sandbox-name-indeed")).hasSize(15).startsWith("ep-");
    }

    @Test
    void runAddsTheGatewayHostProxyEnvironmentCaJarVolumesWorkspaceAndLabels() {
        Map<String, String> env = SandboxEnvironment.build("host.docker.internal", 40001,
                Map.of("ANTHROPIC_API_KEY", "sk-ant-placeholder"), List.of("FOO=bar"));
        List<String> argv = DockerArgs.run(spec(List.of("/data:/data:ro"), Path.of("/w")), "10.213.4.1", env,
                "/home/u/.egress-proxy/ca/ca.pem", "/home/u/.egress-proxy/sandboxes/truststore.p12", "/opt/egress-proxy.jar");
        assertThat(argv).startsWith("docker", "run", "-d", "--name", "agent", "--hostname", "agent",
                "--network", "egress-proxy-agent", "--add-host", "host.docker.internal:10.213.4.1",
                "--label", "io.egressproxy.sandbox=agent", "--label", "io.egressproxy.runtime=docker");
        assertThat(argv).containsSequence("-e", "HTTP_PROXY=http://host.docker.internal:40001")
                .containsSequence("-e", "http_proxy=http://host.docker.internal:40001")
                .containsSequence("-e", "HTTPS_PROXY=http://host.docker.internal:40001")
                .containsSequence("-e", "https_proxy=http://host.docker.internal:40001")
                .containsSequence("-e", "NO_PROXY=localhost,127.0.0.1,::1")
                .containsSequence("-e", "no_proxy=localhost,127.0.0.1,::1")
                .containsSequence("-e", "NODE_USE_ENV_PROXY=1")
                .containsSequence("-e", "NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/egress-proxy.crt")
                .containsSequence("-e", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt")
                .containsSequence("-e", "REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt")
                .containsSequence("-e", "ANTHROPIC_API_KEY=sk-ant-placeholder")
                .containsSequence("-e", "FOO=bar")
                .containsSequence("-v", "/home/u/.egress-proxy/ca/ca.pem:/usr/local/share/ca-certificates/egress-proxy.crt:ro")
                .containsSequence("-v", "/home/u/.egress-proxy/sandboxes/truststore.p12:/opt/egress-proxy/truststore.p12:ro")
                .containsSequence("-v", "/opt/egress-proxy.jar:/opt/egress-proxy/egress-proxy.jar:ro")
                .containsSequence("-v", "/data:/data:ro")
                .containsSequence("-v", "/w:/workspace", "-w", "/workspace")
                .endsWith("--entrypoint", "/bin/sh", "busybox:latest", "-c", DockerArgs.KEEP_ALIVE);
        assertThat(env.get("JAVA_TOOL_OPTIONS")).contains("-Dhttp.proxyHost=host.docker.internal", "-Dhttp.proxyPort=40001",
                "-Dhttps.proxyHost=host.docker.internal", "-Dhttps.proxyPort=40001",
                // a JVM reads neither SSL_CERT_FILE nor the system bundle: it trusts the CA through this store
                "-Djavax.net.ssl.trustStore=/opt/egress-proxy/truststore.p12", "-Djavax.net.ssl.trustStoreType=PKCS12",
                "-Djavax.net.ssl.trustStorePassword=changeit");
    }

    @Test
    void userEnvironmentWinsOverTheProxyDefaults() {
        assertThat(SandboxEnvironment.build("h", 1, Map.of(), List.of("NO_PROXY=internal")).get("NO_PROXY")).isEqualTo("internal");
    }

    @Test
    void runWithoutJarOrWorkspaceMountsOnlyTheCaAndTrustStore() {
        List<String> argv = DockerArgs.run(spec(List.of(), null), "10.213.4.1", Map.of(), "/ca.pem", "/ts.p12", null);
        assertThat(argv.stream().filter("-v"::equals)).hasSize(2);
        assertThat(argv).doesNotContain("-w");
    }

    @Test
    void execBridgeCaAndRemovalForms() {
        assertThat(DockerArgs.installCa("agent")).startsWith("docker", "exec", "-u", "0", "agent", "/bin/sh", "-c")
                .last().asString().contains("update-ca-certificates", "/etc/ssl/certs/ca-certificates.crt");
        assertThat(DockerArgs.hasJava("agent")).containsExactly("docker", "exec", "agent", "/bin/sh", "-c", "command -v java");
        assertThat(DockerArgs.bridge("agent", List.of(BridgeRoute.parse("54321=localhost:12434"), BridgeRoute.parse("127.0.0.1:5432=db:5432"))))
                .containsExactly("docker", "exec", "-d", "agent", "java", "-jar", "/opt/egress-proxy/egress-proxy.jar", "bridge",
                        "--route", "127.0.0.1:54321=localhost:12434", "--route", "127.0.0.1:5432=db:5432");
        assertThat(DockerArgs.exec("agent", List.of("ls", "-l"), false, true)).containsExactly("docker", "exec", "-i", "-t", "agent", "ls", "-l");
        assertThat(DockerArgs.exec("agent", List.of("ls"), false, false)).containsExactly("docker", "exec", "-i", "agent", "ls");
        assertThat(DockerArgs.exec("agent", List.of("ls"), true, true)).containsExactly("docker", "exec", "-d", "agent", "ls");
        assertThat(DockerArgs.containersOf("agent")).containsExactly("docker", "ps", "-aq", "--filter", "label=io.egressproxy.sandbox=agent");
        assertThat(DockerArgs.networksOf("agent")).containsExactly("docker", "network", "ls", "-q", "--filter", "label=io.egressproxy.sandbox=agent");
        assertThat(DockerArgs.removeContainers(List.of("c1"))).containsExactly("docker", "rm", "-f", "c1");
        assertThat(DockerArgs.removeNetworks(List.of("n1", "n2"))).containsExactly("docker", "network", "rm", "n1", "n2");
        assertThat(DockerArgs.list()).containsExactly("docker", "ps", "-a", "--filter", "label=io.egressproxy.sandbox",
                "--format", "{{.Label \"io.egressproxy.sandbox\"}}\t{{.Status}}\t{{.Image}}");
        assertThat(DockerArgs.networkSubnets(List.of("a", "b"))).containsExactly("docker", "network", "inspect", "--format",
                "{{range .IPAM.Config}}{{.Subnet}} {{end}}", "a", "b");
    }

    @Test
    void dockerSandboxForms() {
        assertThat(DockerSandboxArgs.create("agent", "img:1", "/w", List.of("/docs:ro"))).containsExactly(
                "docker", "sandbox", "create", "--name", "agent", "-t", "img:1", "shell", "/w", "/docs:ro");
        assertThat(DockerSandboxArgs.denyAllButProxy("agent", 40001)).containsExactly(
                "docker", "sandbox", "network", "proxy", "agent", "--policy", "deny", "--allow-host", "localhost:40001");
        assertThat(DockerSandboxArgs.exec("agent", "-it", false, Map.of("A", "1"), List.of("claude")))
                .containsExactly("docker", "sandbox", "exec", "-it", "-e", "A=1", "agent", "claude");
        assertThat(DockerSandboxArgs.installCa("agent")).startsWith("docker", "sandbox", "exec", "-i", "-u", "root", "agent", "sh", "-c");
        assertThat(DockerSandboxArgs.copyTrustStore("agent")).containsExactly("docker", "sandbox", "exec", "-i", "-u", "root",
                "agent", "sh", "-c", "mkdir -p /opt/egress-proxy && cat > /opt/egress-proxy/truststore.p12"
                        + " && chmod 644 /opt/egress-proxy/truststore.p12");
        assertThat(DockerSandboxArgs.hasJava("agent")).containsExactly("docker", "sandbox", "exec", "agent", "sh", "-c", "command -v java");
        assertThat(DockerSandboxArgs.copyJar("agent")).containsExactly("docker", "sandbox", "exec", "-i", "agent", "sh", "-c",
                "mkdir -p /tmp/egress-proxy && cat > /tmp/egress-proxy/egress-proxy.jar");
        assertThat(DockerSandboxArgs.bridge("agent", Map.of("HTTP_PROXY", "http://host.docker.internal:40001"),
                List.of(BridgeRoute.parse("54321=localhost:12434")))).containsExactly("docker", "sandbox", "exec", "-d",
                "-e", "HTTP_PROXY=http://host.docker.internal:40001", "agent", "java", "-jar", "/tmp/egress-proxy/egress-proxy.jar",
                "bridge", "--route", "127.0.0.1:54321=localhost:12434");
        assertThat(DockerSandboxArgs.remove("agent")).containsExactly("docker", "sandbox", "rm", "agent");
    }

    @Test
    void dockerSandboxVolumesMustKeepTheirPath() {
        assertThat(MicroVmRuntime.extraWorkspaces(List.of("/a:/a", "/b:/b:ro"))).containsExactly("/a", "/b:ro");
        assertThatThrownBy(() -> MicroVmRuntime.extraWorkspaces(List.of("/a:/b")))
                .hasMessageContaining("at its own path only");
    }

    @Test
    void firewallAcceptsOnlyTheListenerAndRemovesByComment() {
        String bridge = DockerArgs.bridgeInterface("agent");
        List<List<String>> rules = FirewallArgs.add("agent", "10.213.4.1", 40001);
        assertThat(rules).containsExactly(
                List.of("iptables", "-w", "5", "-I", "FORWARD", "1", "-i", bridge, "-m", "comment", "--comment", "egress-proxy:agent", "-j", "DROP"),
                List.of("iptables", "-w", "5", "-I", "INPUT", "1", "-i", bridge, "-m", "comment", "--comment", "egress-proxy:agent", "-j", "DROP"),
                List.of("iptables", "-w", "5", "-I", "INPUT", "1", "-d", "10.213.4.1/32", "-i", bridge, "-p", "tcp", "-m", "tcp",
                        "--dport", "40001", "-m", "comment", "--comment", "egress-proxy:agent", "-j", "ACCEPT"));
        String listing = "-P INPUT ACCEPT\n"
                + "-A INPUT -d 10.213.4.1/32 -i " + bridge + " -p tcp -m tcp --dport 40001 -m comment --comment \"egress-proxy:agent\" -j ACCEPT\n"
                + "-A INPUT -i " + bridge + " -m comment --comment egress-proxy:agent -j DROP\n"
                + "-A INPUT -i other -m comment --comment egress-proxy:agent2 -j DROP\n";
        assertThat(FirewallArgs.removals("agent", listing)).containsExactly(
                List.of("iptables", "-w", "5", "-D", "INPUT", "-d", "10.213.4.1/32", "-i", bridge, "-p", "tcp", "-m", "tcp",
                        "--dport", "40001", "-m", "comment", "--comment", "egress-proxy:agent", "-j", "ACCEPT"),
                List.of("iptables", "-w", "5", "-D", "INPUT", "-i", bridge, "-m", "comment", "--comment", "egress-proxy:agent", "-j", "DROP"));
    }

    /** A laptop on a LAN with Docker, a WireGuard peer, a VPN table of its own, and OpenVPN's default in two halves. */
    static final String HOST_ROUTES = """
            default via 192.0.2.1 dev eth0 proto dhcp src 192.0.2.2 metric 100
            0.0.0.0/1 via 10.8.0.1 dev tun0
            128.0.0.0/1 via 10.8.0.1 dev tun0
            10.213.5.7 dev wg0 scope link
            10.213.8.0/22 via 10.8.0.1 dev tun0 table 51820 proto static
            172.17.0.0/16 dev docker0 proto kernel scope link src 172.17.0.1 linkdown
            192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2 metric 100
            unreachable 198.51.100.0/24 proto static
            local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1
            local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1
            broadcast 127.255.255.255 dev lo table local proto kernel scope link src 127.0.0.1
            local 192.0.2.2 dev eth0 table local proto kernel scope host src 192.0.2.2
            broadcast 192.0.2.255 dev eth0 table local proto kernel scope link src 192.0.2.2
            """;

    static final String HOST_ADDRESSES = """
            1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
            2: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global dynamic noprefixroute eth0\\       valid_lft 86012sec preferred_lft 86012sec
            3: docker0    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0\\       valid_lft forever preferred_lft forever
            7: tun0    inet 10.8.0.6 peer 10.8.0.5/32 scope global tun0\\       valid_lft forever preferred_lft forever
            """;

    @Test
    void hostRoutesGiveEveryDestinationOfEveryTableButTheCatchAlls() {
        assertThat(HostSubnets.routes()).containsExactly("ip", "-4", "-o", "route", "show", "table", "all");
        assertThat(HostSubnets.fromRoutes(HOST_ROUTES)).containsExactly(
                "10.213.5.7/32", "10.213.8.0/22", "172.17.0.0/16", "192.0.2.0/24", "198.51.100.0/24",
                "127.0.0.0/8", "127.0.0.1/32", "127.255.255.255/32", "192.0.2.2/32", "192.0.2.255/32");
        assertThat(HostSubnets.fromRoutes("\n  \nfe80::/64 dev eth0 proto kernel\nError: ipv4: FIB table does not exist.\n")).isEmpty();
    }

    @Test
    void hostAddressesGiveEachInterfaceSubnetAndBothEndsOfAPointToPointLink() {
        assertThat(HostSubnets.addresses()).containsExactly("ip", "-4", "-o", "addr", "show");
        assertThat(HostSubnets.fromAddresses(HOST_ADDRESSES)).containsExactly(
                "127.0.0.1/8", "192.0.2.2/24", "172.17.0.1/16", "10.8.0.6/32", "10.8.0.5/32");
        assertThat(HostSubnets.fromAddresses("2: eth0    inet6 fe80::1/64 scope link\n")).isEmpty();
    }

    @Test
    void subnetPoolSkipsEverySubnetTheHostUses() {
        List<String> used = new java.util.ArrayList<>(HostSubnets.fromRoutes(HOST_ROUTES));
        used.addAll(HostSubnets.fromAddresses(HOST_ADDRESSES));
        // the tester's case: a pool on the host's own LAN, whose .1 is the host's default gateway
        assertThat(new SubnetPool("192.0.2.0/23", 24).next(used)).isEqualTo(new Subnet("192.0.3.0/24", "192.0.3.1"));
        assertThat(new SubnetPool("10.213.8.0/21", 24).next(used)).isEqualTo(new Subnet("10.213.12.0/24", "10.213.12.1"));
        assertThat(new SubnetPool("10.213.4.0/23", 24).next(used)).isEqualTo(new Subnet("10.213.4.0/24", "10.213.4.1"));
        assertThatThrownBy(() -> new SubnetPool("10.213.5.0/24", 24).next(used))
                .hasMessageContaining("is in use by a Docker network or this host's routes and addresses (10.213.5.7/32)");
    }

    @Test
    void subnetPoolSkipsEveryOverlappingSubnet() {
        SubnetPool pool = new SubnetPool("10.213.0.0/16", 24);
        assertThat(pool.next(List.of())).isEqualTo(new Subnet("10.213.0.0/24", "10.213.0.1"));
        assertThat(pool.next(List.of("10.213.0.0/24", "172.17.0.0/16", "fd00::/64", "10.213.1.128/25")))
                .isEqualTo(new Subnet("10.213.2.0/24", "10.213.2.1"));
        assertThatThrownBy(() -> pool.next(List.of("10.0.0.0/8"))).hasMessageContaining("is in use");
    }

    @Test
    void namesAndBridgesAreChecked() {
        assertThatThrownBy(() -> BridgeRoute.parse("54321")).hasMessageContaining("LISTEN=TARGET");
        assertThatThrownBy(() -> new SandboxSpec("bad name", "i", SandboxRuntimeKind.DOCKER, List.of(), List.of(), List.of(),
                List.of(), List.of(), null, false, List.of())).hasMessageContaining("letters, digits");
        assertThatThrownBy(() -> SandboxRuntimeKind.parse("podman")).hasMessageContaining("docker or docker-sandbox");
        for (String env : List.of("FOO BAR=1", "1X=2", "A-B=3")) {
            assertThatThrownBy(() -> new SandboxSpec("agent", "img", SandboxRuntimeKind.DOCKER, List.of(), List.of(), List.of(),
                    List.of(env), List.of(), null, false, List.of())).as(env)
                    .hasMessageContaining("a variable name is letters, digits and _");
        }
        for (String image : List.of("--privileged", "-v/:/host", "", "busybox latest")) {
            assertThatThrownBy(() -> new SandboxSpec("agent", image, SandboxRuntimeKind.DOCKER, List.of(), List.of(), List.of(),
                    List.of(), List.of(), null, false, List.of())).as(image)
                    .hasMessageContaining("is not an image reference");
        }
    }
}
