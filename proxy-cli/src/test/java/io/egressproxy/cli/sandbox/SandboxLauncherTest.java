package io.egressproxy.cli.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The launch sequence for both runtimes, and that a failure at any step removes what was created, newest first. */
@Timeout(20)
class SandboxLauncherTest {
    @TempDir
    Path dir;
    final List<String> log = new ArrayList<>();
    final StringWriter err = new StringWriter();

    final RecordingAdmin admin = new RecordingAdmin(log);

    private SandboxLauncher launcher(RecordingDocker docker, Path jar) throws Exception {
        return launcher(docker, jar, "10.213.0.0/16");
    }

    private SandboxLauncher launcher(RecordingDocker docker, Path jar, String pool) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        return new SandboxLauncher(new LaunchContext(docker, admin, new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true), new SubnetPool(pool, 24), ca,
                Files.write(dir.resolve("truststore.p12"), new byte[]{1, 2, 3}), jar,
                Map.of("ANTHROPIC_API_KEY", "placeholder"), new SandboxStore(dir.resolve("state")), false));
    }

    private static SandboxSpec spec(SandboxRuntimeKind runtime) {
        return new SandboxSpec("agent", "busybox", runtime, List.of("localhost:8080"), List.of("evil.example"),
                List.of(BridgeRoute.parse("54321=localhost:12434")), List.of(), List.of(), Path.of("/w"), true, List.of());
    }

    private RecordingDocker docker(Predicate<String> fails) {
        String bridge = DockerArgs.bridgeInterface("agent");
        return new RecordingDocker(log, fails)
                .answer("docker network ls -q", "n1\nn2\n")
                .answer("docker network inspect", "172.17.0.0/16 \n10.213.0.0/24 \n")
                .answer("iptables -w 5 -S INPUT", "-A INPUT -i " + bridge + " -m comment --comment \"egress-proxy:agent\" -j DROP\n");
    }

    @Test
    void containerLaunchRunsEveryStepInOrder() throws Exception {
        Path jar = Files.writeString(dir.resolve("egress-proxy.jar"), "jar");
        launcher(docker(line -> false), jar).run(spec(SandboxRuntimeKind.DOCKER));
        assertThat(log).extracting(l -> l.split(" --")[0].split(" -")[0]).containsSubsequence(
                "docker ps",
                "admin register agent allow=[localhost:8080] block=[evil.example]",
                "docker network ls",
                "docker network inspect",
                "docker network create",
                "admin listener agent 10.213.1.1:0",
                "probe iptables",
                "iptables",
                "iptables",
                "iptables",
                "docker run",
                "docker exec",
                "probe docker exec agent /bin/sh",
                "docker exec");
        assertThat(log).anyMatch(l -> l.startsWith("docker network create") && l.contains("--subnet 10.213.1.0/24"));
        assertThat(log).anyMatch(l -> l.startsWith("docker run") && l.contains("HTTP_PROXY=http://host.docker.internal:40001")
                && l.contains("ANTHROPIC_API_KEY=placeholder"));
        assertThat(log).last().asString().startsWith("docker exec -d agent java -jar /opt/egress-proxy/egress-proxy.jar bridge");
        assertThat(new SandboxStore(dir.resolve("state")).find("agent")).isPresent();
    }

    @Test
    void aContainerThatDockerRunCreatedBeforeFailingIsRemovedToo() throws Exception {
        // as on a real engine with an image that has no /bin/sh: created, then "exec: /bin/sh: not found"
        RecordingDocker docker = docker(line -> line.startsWith("docker run"))
                .answerAfter("docker run", "docker ps -aq --filter label=io.egressproxy.sandbox=agent", "c0ffee\n");
        assertThatThrownBy(() -> launcher(docker, null).run(spec(SandboxRuntimeKind.DOCKER)))
                .isInstanceOf(SandboxLauncher.LaunchException.class)
                .hasMessageContaining("everything created for it was removed again");
        assertThat(log).contains("docker rm -f c0ffee");
        assertThat(err.toString()).contains("removed container agent");
    }

    @Test
    void containerFailureRemovesWhatWasCreatedNewestFirst() throws Exception {
        RecordingDocker docker = docker(line -> line.startsWith("docker exec -u 0"))
                .answerAfter("docker run", "docker ps -aq --filter label=io.egressproxy.sandbox=agent", "c0ffee\n");
        assertThatThrownBy(() -> launcher(docker, null).run(spec(SandboxRuntimeKind.DOCKER)))
                .isInstanceOf(SandboxLauncher.LaunchException.class)
                .hasMessageContaining("`docker exec -u 0 agent /bin/sh -c")
                .hasMessageContaining("failed with exit code 125: boom")
                .hasMessageContaining("everything created for it was removed again");
        List<String> after = log.subList(log.indexOf(log.stream().filter(l -> l.startsWith("docker exec -u 0")).findFirst().orElseThrow()) + 1, log.size());
        assertThat(after).extracting(l -> l.replaceAll(" -i ep-\\S+.*", "")).containsExactly(
                "docker ps -aq --filter label=io.egressproxy.sandbox=agent",
                "docker rm -f c0ffee",
                "probe iptables -w 5 -S INPUT",
                "iptables -w 5 -S INPUT",
                "iptables -w 5 -D INPUT",
                "iptables -w 5 -S FORWARD",
                "admin close-listener agent",
                "docker network rm egress-proxy-agent",
                "admin unregister agent");
        assertThat(err.toString()).contains("removed container agent", "removed network egress-proxy-agent",
                "removed registration of sandbox agent");
        assertThat(new SandboxStore(dir.resolve("state")).find("agent")).isEmpty();
    }

    @Test
    void aContainerOfThatNameTheLauncherDidNotMakeIsRefusedBeforeAnythingIsCreated() throws Exception {
        RecordingDocker docker = docker(line -> false).answer("docker inspect --type container --format {{.Name}} agent", "/agent\n");
        assertThatThrownBy(() -> launcher(docker, null).run(spec(SandboxRuntimeKind.DOCKER)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a container named agent already exists and is not a sandbox of this launcher; pick another"
                        + " NAME, or remove that container first (docker rm agent)");
        assertThat(log).noneMatch(l -> l.startsWith("admin") || l.startsWith("docker network create") || l.startsWith("docker rm"));
    }

    @Test
    void aContainerWhoseIdMerelyStartsWithTheNameDoesNotTakeIt() throws Exception {
        RecordingDocker docker = docker(line -> false).answer("docker inspect --type container --format {{.Name}} agent", "/other\n");
        launcher(docker, null).run(spec(SandboxRuntimeKind.DOCKER));
        assertThat(log).anyMatch(l -> l.startsWith("docker run"));
    }

    @Test
    void aStopSignalWhileTheSandboxIsMadeEndsTheLaunchAtTheNextStepAndRemovesWhatWasMade() throws Exception {
        // as if Ctrl-C came while the network was being created
        assertThatThrownBy(() -> launcher(docker(line -> false), null).create(spec(SandboxRuntimeKind.DOCKER),
                () -> log.stream().anyMatch(l -> l.startsWith("docker network create"))))
                .isInstanceOfSatisfying(SandboxLauncher.LaunchException.class, e -> assertThat(e.interrupted()).isTrue())
                .hasMessageContaining("interrupted (SIGINT or SIGTERM) while it was being made")
                .hasMessageContaining("everything created for it was removed again");
        assertThat(log).noneMatch(l -> l.startsWith("admin listener") || l.startsWith("docker run"));
        assertThat(log).extracting(l -> l.split(" --")[0]).containsSubsequence(
                "docker network create", "docker network rm egress-proxy-agent", "admin unregister agent");
    }

    @Test
    void aProxyThatStoppedWhileTheSandboxWasMadeFailsTheRunInsteadOfLeavingASandboxThatReachesNothing() throws Exception {
        admin.forgetsRegistrations = true;
        RecordingDocker docker = docker(line -> false)
                .answerAfter("docker run", "docker ps -aq --filter label=io.egressproxy.sandbox=agent", "c0ffee\n");
        assertThatThrownBy(() -> launcher(docker, null).run(spec(SandboxRuntimeKind.DOCKER)))
                .isInstanceOf(SandboxLauncher.LaunchException.class)
                .hasMessageContaining("the proxy no longer knows sandbox agent")
                .hasMessageContaining("everything created for it was removed again");
        assertThat(log).contains("docker rm -f c0ffee", "admin unregister agent");
    }

    @Test
    void replacingAVariableTheLauncherSetsIsAllowedWithAWarning() throws Exception {
        SandboxSpec spec = new SandboxSpec("agent", "busybox", SandboxRuntimeKind.DOCKER, List.of(), List.of(), List.of(),
                List.of("HTTP_PROXY=http://elsewhere:1", "ANTHROPIC_API_KEY=", "MY_VAR=1"), List.of(), null, true, List.of());
        launcher(docker(line -> false), null).run(spec);
        assertThat(err.toString()).contains("WARNING: -e HTTP_PROXY replaces the value the launcher sets",
                "WARNING: -e ANTHROPIC_API_KEY replaces").doesNotContain("-e MY_VAR");
    }

    @Test
    void removingANameNothingKnowsSaysSoButStillSweeps() throws Exception {
        SandboxLauncher launcher = launcher(docker(line -> false), null);
        launcher.remove("typo", SandboxRuntimeKind.DOCKER);
        assertThat(err.toString()).contains("nothing was known as sandbox typo");
        assertThat(log).contains("admin forget typo");

        admin.registered.add("agent");
        launcher.remove("agent", SandboxRuntimeKind.DOCKER);
        assertThat(err.toString()).doesNotContain("nothing was known as sandbox agent");
    }

    @Test
    void anImageThatIsNotHereIsPulledFirstAndOneThatCannotBeFailsBeforeAnythingIsCreated() throws Exception {
        RecordingDocker docker = docker(line -> line.startsWith("docker pull"));
        docker.failingProbes.add("docker image inspect");
        docker.failureStderr = "Error response from daemon: pull access denied for busybox\n";
        assertThatThrownBy(() -> launcher(docker, null).run(spec(SandboxRuntimeKind.DOCKER)))
                .isInstanceOf(DockerException.class)
                .hasMessageContaining("`docker pull busybox` failed with exit code 125: Error response from daemon: pull access denied")
                .hasMessageContaining("image busybox is not on this Docker engine and could not be pulled");
        assertThat(log).noneMatch(l -> l.startsWith("admin") || l.startsWith("docker network create"));
    }

    @Test
    void anImageThatIsNotHereButCanBePulledIsPulledBeforeTheSandboxIsMade() throws Exception {
        RecordingDocker docker = docker(line -> false);
        docker.failingProbes.add("docker image inspect");
        launcher(docker, null).run(spec(SandboxRuntimeKind.DOCKER));
        assertThat(log).containsSubsequence("docker pull busybox", "admin register agent allow=[localhost:8080] block=[evil.example]");
    }

    @Test
    void failureAtTheFirstDockerStepOnlyUnregisters() throws Exception {
        RecordingDocker docker = docker(line -> line.startsWith("docker network create"));
        assertThatThrownBy(() -> launcher(docker, null).run(spec(SandboxRuntimeKind.DOCKER))).hasMessageContaining("boom");
        assertThat(log).last().isEqualTo("admin unregister agent");
        assertThat(log).noneMatch(l -> l.startsWith("docker network rm") || l.startsWith("admin close-listener"));
    }

    @Test
    void aRunWhoseNameIsRegisteredAlreadyRemovesNothing() throws Exception {
        // a concurrent run of the same name, or a sandbox registered with POST /v1/sandboxes
        admin.taken.add("agent");
        for (SandboxRuntimeKind runtime : SandboxRuntimeKind.values()) {
            log.clear();
            assertThatThrownBy(() -> launcher(docker(line -> false), null).run(spec(runtime)))
                    .isInstanceOf(SandboxLauncher.LaunchException.class).hasMessageContaining("already registered");
            assertThat(log).as(runtime.label()).last().isEqualTo("admin register agent allow=[localhost:8080] block=[evil.example]");
            assertThat(log).noneMatch(l -> l.startsWith("admin unregister") || l.startsWith("admin close-listener")
                    || l.startsWith("docker rm") || l.startsWith("docker sandbox rm") || l.startsWith("docker network"));
        }
    }

    @Test
    void microVmFailureRemovesTheSandboxThenTheListenerThenTheRegistration() throws Exception {
        RecordingDocker docker = docker(line -> line.startsWith("docker sandbox exec -i -u root"));
        assertThatThrownBy(() -> launcher(docker, null).run(spec(SandboxRuntimeKind.DOCKER_SANDBOX)))
                .hasMessageContaining("`docker sandbox exec -i -u root agent sh -c");
        int failed = log.indexOf(log.stream().filter(l -> l.startsWith("docker sandbox exec -i -u root")).findFirst().orElseThrow());
        assertThat(log.subList(failed + 1, log.size())).containsExactly(
                "docker sandbox rm agent", "admin close-listener agent", "admin unregister agent");
    }

    @Test
    void aSubnetThatAHostRouteOrAddressOverlapsIsSkipped() throws Exception {
        // docker has 10.213.0.0/24; a VPN route has 10.213.1.0/24, a host route 10.213.2.9, an interface 10.213.3.0/24
        RecordingDocker docker = docker(line -> false)
                .answer("ip -4 -o route show table all", "default via 192.0.2.1 dev eth0\n"
                        + "10.213.1.0/24 via 10.8.0.1 dev tun0 table 51820\n10.213.2.9 dev wg0 scope link\n"
                        + "local 192.0.2.2 dev eth0 table local proto kernel scope host src 192.0.2.2\n")
                .answer("ip -4 -o addr show", "9: vpn0    inet 10.213.3.77/24 scope global noprefixroute vpn0\\   valid_lft forever\n");
        launcher(docker, null).run(spec(SandboxRuntimeKind.DOCKER));
        assertThat(log).containsSubsequence("docker network inspect --format {{range .IPAM.Config}}{{.Subnet}} {{end}} n1 n2",
                "ip -4 -o route show table all", "ip -4 -o addr show");
        assertThat(log).anyMatch(l -> l.startsWith("docker network create") && l.contains("--subnet 10.213.4.0/24 --gateway 10.213.4.1"));
        assertThat(log).contains("admin listener agent 10.213.4.1:0");
        assertThat(err.toString()).doesNotContain("WARNING: overlaps with host routes");
    }

    @Test
    void withoutIpTheLaunchWarnsOnceAndAvoidsDockersSubnets() throws Exception {
        RecordingDocker docker = docker(line -> line.startsWith("ip "));
        docker.failureStderr = "ip: not found\n";
        launcher(docker, null).run(spec(SandboxRuntimeKind.DOCKER));
        assertThat(log).anyMatch(l -> l.startsWith("docker network create") && l.contains("--subnet 10.213.1.0/24"));
        assertThat(err.toString().lines().filter(l -> l.contains("WARNING: overlaps with host routes could not be checked")))
                .containsExactly("WARNING: overlaps with host routes could not be checked (`ip -4 -o route show table all` failed"
                        + " with exit code 125: ip: not found): if 10.213.1.0/24 is a LAN or VPN subnet of this host, pick a pool"
                        + " it does not use with --subnet-pool (or EGRESS_PROXY_SANDBOX_SUBNET_POOL)");
    }

    @Test
    void aPoolTheHostsRoutesFillNamesTheSettingAndRemovesTheRegistration() throws Exception {
        // the tester's case: the pool is this host's own LAN
        RecordingDocker docker = docker(line -> false)
                .answer("ip -4 -o route show table all", "default via 192.0.2.1 dev eth0\n192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2\n");
        assertThatThrownBy(() -> launcher(docker, null, "192.0.2.0/24").run(spec(SandboxRuntimeKind.DOCKER)))
                .isInstanceOf(SandboxLauncher.LaunchException.class)
                .hasMessageContaining("every /24 in the sandbox subnet pool 192.0.2.0/24 is in use by a Docker network or this"
                        + " host's routes and addresses (192.0.2.0/24)")
                .hasMessageContaining("with --subnet-pool (or EGRESS_PROXY_SANDBOX_SUBNET_POOL)");
        assertThat(log).noneMatch(l -> l.startsWith("docker network create")).last().isEqualTo("admin unregister agent");
    }

    @Test
    void withoutIptablesTheLaunchSaysSoAndGoesOn() throws Exception {
        RecordingDocker docker = docker(line -> false);
        docker.probes = false;
        launcher(docker, null).run(spec(SandboxRuntimeKind.DOCKER));
        assertThat(err.toString()).contains("cannot add host firewall rules", "not only the proxy's 40001",
                "bridges [127.0.0.1:54321=localhost:12434] not started");
        assertThat(log).noneMatch(l -> l.startsWith("iptables"));
    }

    @Test
    void anExistingSandboxIsNeverTouched() throws Exception {
        RecordingDocker docker = docker(line -> false).answer("docker ps -aq", "c0ffee\n");
        assertThatThrownBy(() -> launcher(docker, null).run(spec(SandboxRuntimeKind.DOCKER))).hasMessageContaining("already exists");
        assertThat(log).containsExactly("docker ps -aq --filter label=io.egressproxy.sandbox=agent");
    }

    @Test
    void namesThatCouldBePathsOrOptionsAreRefusedBeforeAnythingIsTouched() throws Exception {
        Path outside = Files.writeString(dir.resolve("x.properties"), "not the launcher's"); // state is dir/state
        SandboxLauncher launcher = launcher(new RecordingDocker(log, line -> false).answer("docker inspect", "x\n"), null);
        assertThatThrownBy(() -> launcher.remove("../x", SandboxRuntimeKind.DOCKER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sandbox name '../x' must be");
        assertThatThrownBy(() -> launcher.remove("../x", SandboxRuntimeKind.DOCKER_SANDBOX)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> launcher.exec("--privileged", List.of("-u0", "x", "id")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sandbox name '--privileged' must be");
        assertThat(outside).hasContent("not the launcher's");
        assertThat(log).isEmpty();
    }

    @Test
    void execEntersOnlyAContainerLabelledAsThisSandbox() throws Exception {
        SandboxLauncher stranger = launcher(new RecordingDocker(log, line -> false).answer("docker inspect", "\n"), null);
        assertThatThrownBy(() -> stranger.exec("postgres", List.of("id")))
                .isInstanceOf(NoSuchSandboxException.class)
                .hasMessageContaining("container postgres is not a sandbox of this launcher (it has no io.egressproxy.sandbox=postgres label)");
        RecordingDocker none = new RecordingDocker(log, line -> line.startsWith("docker inspect"));
        none.failureStderr = "Error: No such container: agent\n";
        assertThatThrownBy(() -> launcher(none, null).exec("agent", List.of("id")))
                .isInstanceOf(NoSuchSandboxException.class).hasMessageContaining("no sandbox agent: there is no container of that name");
        assertThat(log).noneMatch(l -> l.startsWith("attach"));

        launcher(new RecordingDocker(log, line -> false).answer("docker inspect", "agent\n"), null).exec("agent", List.of("id"));
        assertThat(log).contains("docker inspect --type container --format {{index .Config.Labels \"io.egressproxy.sandbox\"}} agent")
                .last().isEqualTo("attach docker exec -i agent id");
    }

    @Test
    void execEntersOnlyADockerSandboxTheLauncherHasARecordOf() throws Exception {
        SandboxLauncher launcher = launcher(new RecordingDocker(log, line -> false).answer("docker inspect", "\n"), null);
        assertThatThrownBy(() -> launcher.exec("vm", List.of("id"))).isInstanceOf(NoSuchSandboxException.class);
        assertThat(log).noneMatch(l -> l.startsWith("attach"));
        new SandboxStore(dir.resolve("state")).save(new SandboxStore.Entry("vm", SandboxRuntimeKind.DOCKER_SANDBOX, 40001, List.of()));
        launcher.exec("vm", List.of("id"));
        assertThat(log).last().asString().startsWith("attach docker sandbox exec -i -e HTTP_PROXY=http://host.docker.internal:40001");
    }

    @Test
    void removeIsIdempotent() throws Exception {
        SandboxLauncher launcher = launcher(new RecordingDocker(log, line -> false), null);
        launcher.remove("agent", SandboxRuntimeKind.DOCKER);
        launcher.remove("agent", SandboxRuntimeKind.DOCKER);
        assertThat(log).noneMatch(l -> l.startsWith("docker rm") || l.startsWith("docker network rm"));
        assertThat(log).filteredOn(l -> l.startsWith("admin forget")).hasSize(2);
    }
}
