package io.egressproxy.cli.sandbox;

import com.sun.net.httpserver.HttpServer;
import io.egressproxy.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole {@code --runtime docker-sandbox} sequence through {@code CommandLine.execute}, against a
 * recorded fake {@code docker} executable (a shell script that appends its argv to a log) and a fake
 * admin API that records its calls.
 */
@Timeout(60)
@DisabledOnOs(OS.WINDOWS)
class FakeDockerSandboxCliTest {
    @TempDir
    Path dir;
    HttpServer admin;
    final List<String> adminCalls = Collections.synchronizedList(new ArrayList<>());
    Path docker;
    Path dockerLog;
    Path conf;

    @BeforeEach
    void fakes() throws Exception {
        admin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        admin.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            if (!path.equals("/healthz")) {
                adminCalls.add(exchange.getRequestMethod() + " " + path + " " + body.replaceAll("\\s+", ""));
            }
            String answer = path.equals("/v1/listeners") ? "{\"listen\": \"127.0.0.1:40001\"}"
                    : path.equals("/v1/sandboxes") ? "{\"sandboxes\": [\"agent\"]}" : "{}";
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        admin.start();
        Path token = Files.writeString(dir.resolve("admin.token"), "test-token\n");
        conf = Files.writeString(dir.resolve("proxy.conf"), "egress-proxy.admin { listen = \"127.0.0.1:"
                + admin.getAddress().getPort() + "\", token-file = \"" + token + "\" }\n"
                + "egress-proxy.tls.ca-dir = \"" + dir.resolve("ca") + "\"\n");
        dockerLog = dir.resolve("docker.log");
        docker = dir.resolve("bin/docker");
        Files.createDirectories(docker.getParent());
        Files.writeString(docker, String.join("\n",
                "#!/bin/sh",
                "printf '%s' \"$*\" | tr '\\n' ' ' >> '" + dockerLog + "'; echo >> '" + dockerLog + "'",
                "if [ \"$2\" = exec ] && [ \"$3\" = -i ]; then cat > '" + dir + "/stdin.'$(wc -l < '" + dockerLog + "'); fi",
                // Ctrl-C at a terminal: SIGINT to the CLI (and to this, which then exits 0 as docker may)
                "case \"$*\" in *interrupt-me) kill -INT $PPID; sleep 1; exit 0;; esac",
                // a test answers `docker A B …` by writing the file answer.A.B
                "if [ -f '" + dir + "/answer.'\"$1.$2\" ]; then cat '" + dir + "/answer.'\"$1.$2\"; fi",
                "if [ -f '" + dir + "/fail' ] && printf '%s' \"$*\" | grep -qF \"$(cat '" + dir + "/fail')\"; then",
                "  echo 'proxy configuration rejected' >&2; exit 3",
                "fi",
                "exit 0", ""));
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void stop() {
        admin.stop(0);
    }

    private record Run(int code, String out, String err) {
    }

    private Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args));
        int at = all.indexOf("--") < 0 ? all.size() : all.indexOf("--");
        all.addAll(at, List.of("--config", conf.toString(), "--state-dir", dir.resolve("state").toString(),
                "--docker", docker.toString()));
        return new Run(cli.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }

    private List<String> dockerCalls() throws Exception {
        return Files.exists(dockerLog) ? Files.readAllLines(dockerLog).stream().map(String::strip).toList() : List.of();
    }

    @Test
    void runCreatesTheMicroVmLocksItsProxyToOursStartsTheBridgeAndRmRemovesEverything() throws Exception {
        Path jar = Files.writeString(dir.resolve("egress-proxy.jar"), "not really a jar");
        Path workspace = Files.createDirectories(dir.resolve("work"));
        Run run = cli("sandbox", "run", "agent", "--runtime", "docker-sandbox", "--image", "agent-image:1",
                "--allow-host", "localhost:8080", "--block-host", "evil.example", "--bridge", "54321=localhost:12434",
                "-e", "FOO=bar", "--workspace", workspace.toString(), "--jar", jar.toString(), "--detach",
                "--", "claude", "--continue");
        assertThat(run.code).as(run.err).isZero();
        assertThat(run.out.strip()).isEqualTo("agent");
        assertThat(SandboxStoreTest.permissions(dir.resolve("state"))).as("it holds -e values").isEqualTo("rwx------");
        assertThat(SandboxStoreTest.permissions(dir.resolve("state/agent.properties"))).isEqualTo("rw-------");

        List<String> calls = dockerCalls();
        assertThat(calls).hasSize(8);
        assertThat(calls.get(0)).isEqualTo("sandbox create --name agent -t agent-image:1 shell " + workspace);
        assertThat(calls.get(1)).isEqualTo("sandbox network proxy agent --policy deny --allow-host localhost:40001");
        assertThat(calls.get(2)).startsWith("sandbox exec -i -u root agent sh -c set -e").contains("update-ca-certificates");
        assertThat(Files.readString(dir.resolve("stdin.3"))).as("the CA went in on stdin").startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(calls.get(3)).isEqualTo("sandbox exec -i -u root agent sh -c mkdir -p /opt/egress-proxy"
                + " && cat > /opt/egress-proxy/truststore.p12 && chmod 644 /opt/egress-proxy/truststore.p12");
        java.security.KeyStore trustStore = java.security.KeyStore.getInstance(dir.resolve("stdin.4").toFile(), "changeit".toCharArray());
        assertThat(trustStore.isCertificateEntry("egress-proxy-ca")).as("the Java trust store went in on stdin").isTrue();
        assertThat(calls.get(4)).isEqualTo("sandbox exec agent sh -c command -v java");
        assertThat(calls.get(5)).isEqualTo("sandbox exec -i agent sh -c mkdir -p /tmp/egress-proxy && cat > /tmp/egress-proxy/egress-proxy.jar");
        assertThat(Files.readString(dir.resolve("stdin.6"))).isEqualTo("not really a jar");
        assertThat(calls.get(6)).startsWith("sandbox exec -d -e HTTP_PROXY=http://host.docker.internal:40001 ")
                .contains("-e FOO=bar", "-e NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/egress-proxy.crt",
                        "-Djavax.net.ssl.trustStore=/opt/egress-proxy/truststore.p12")
                .endsWith("agent java -jar /tmp/egress-proxy/egress-proxy.jar bridge --route 127.0.0.1:54321=localhost:12434");
        assertThat(calls.get(7)).startsWith("sandbox exec -d -e HTTP_PROXY=http://host.docker.internal:40001 ")
                .endsWith(" agent claude --continue");

        assertThat(adminCalls.stream().map(c -> c.replaceAll("\"token\":\"[0-9a-f]{64}\"", "\"token\":\"RANDOM\"")).toList())
                .containsExactly(
                "POST /v1/sandboxes {\"name\":\"agent\",\"token\":\"RANDOM\",\"ephemeral\":true}",
                "POST /v1/policy/default {\"sandbox\":\"agent\",\"policy\":\"deny\",\"ephemeral\":true}",
                "POST /v1/policy/allow {\"sandbox\":\"agent\",\"ephemeral\":true,\"patterns\":[\"localhost:8080\"]}",
                "POST /v1/policy/block {\"sandbox\":\"agent\",\"ephemeral\":true,\"patterns\":[\"evil.example\"]}",
                "POST /v1/listeners {\"sandbox\":\"agent\",\"listen\":\"127.0.0.1:0\"}",
                "GET /v1/sandboxes ");

        Run ls = cli("sandbox", "ls");
        assertThat(ls.code).as(ls.err).isZero();
        assertThat(ls.out).contains("agent\tdocker-sandbox\t-\t-\tregistered");

        adminCalls.clear();
        Run rm = cli("sandbox", "rm", "agent");
        assertThat(rm.code).as(rm.err).isZero();
        assertThat(dockerCalls()).last().isEqualTo("sandbox rm agent");
        assertThat(adminCalls).as("rm also forgets what the proxy saved for the name: not ephemeral").containsExactly(
                "POST /v1/listeners/remove {\"sandbox\":\"agent\"}", "POST /v1/sandboxes/remove {\"name\":\"agent\"}");
        assertThat(cli("sandbox", "rm", "agent").code).as("removing again is fine").isZero();
    }

    @Test
    void ctrlCDuringTheAttachedCommandIsReportedAsAnInterruptNotAsExit0() throws Exception {
        // its own process: the SIGINT goes to that JVM, as Ctrl-C would
        CliProcess.Result run = CliProcess.run(List.of("sandbox", "run", "agent", "--runtime", "docker-sandbox",
                "--image", "agent-image:1", "--workspace", dir.toString(), "--config", conf.toString(),
                "--state-dir", dir.resolve("state").toString(), "--docker", docker.toString(), "--", "interrupt-me"), Map.of());
        assertThat(run.code()).as(run.err()).isEqualTo(130);
        assertThat(run.err()).contains("sandbox agent is still running (command ended by SIGINT, exit 130)")
                .doesNotContain("exited with 0");
    }

    @Test
    void ctrlCWhileTheSandboxIsBeingMadeRemovesWhatWasMadeAndExits130() throws Exception {
        // `docker sandbox create … WORKSPACE` with a workspace named interrupt-me sends SIGINT to the
        // launcher's JVM (as Ctrl-C would) and then succeeds a second later
        Path workspace = Files.createDirectories(dir.resolve("interrupt-me"));
        CliProcess.Result run = CliProcess.run(List.of("sandbox", "run", "agent", "--runtime", "docker-sandbox",
                "--image", "agent-image:1", "--workspace", workspace.toString(), "--detach", "--config", conf.toString(),
                "--state-dir", dir.resolve("state").toString(), "--docker", docker.toString()), Map.of());
        assertThat(run.code()).as(run.err()).isEqualTo(130);
        assertThat(run.err()).contains("interrupted (SIGINT or SIGTERM) while it was being made",
                "removed docker sandbox agent", "removed proxy listener 127.0.0.1:40001", "removed registration of sandbox agent");
        assertThat(dockerCalls()).containsExactly("sandbox create --name agent -t agent-image:1 shell " + workspace,
                "sandbox rm agent");
        assertThat(adminCalls).last().isEqualTo("POST /v1/sandboxes/remove {\"name\":\"agent\",\"ephemeral\":true}");
        assertThat(dir.resolve("state/agent.properties")).doesNotExist();
    }

    @Test
    void rmAndExecRefuseANameThatIsAPathOrAnOptionBeforeTouchingAnything() throws Exception {
        Path outside = Files.writeString(dir.resolve("x.properties"), "not the launcher's"); // --state-dir is dir/state
        Run rm = cli("sandbox", "rm", "ok-name", "../x");
        assertThat(rm.code).as(rm.err).isEqualTo(2);
        assertThat(rm.err).contains("sandbox name '../x' must be letters, digits");
        assertThat(outside).hasContent("not the launcher's");

        Run exec = cli("sandbox", "exec", "--", "--privileged", "-u0", "x", "id");
        assertThat(exec.code).as(exec.err).isEqualTo(2);
        assertThat(exec.err).contains("sandbox name '--privileged' must be letters, digits");
        assertThat(dockerCalls()).as("not even ok-name was removed").isEmpty();
        assertThat(adminCalls).isEmpty();
    }

    @Test
    void aMountOrWorkspaceThatDoesNotExistIsRefusedBeforeAnythingIsCreated() throws Exception {
        Path missing = dir.resolve("no-such-dir");
        Run mount = cli("sandbox", "run", "agent", "--runtime", "docker-sandbox", "--image", "agent-image:1",
                "--workspace", dir.toString(), "-v", missing + ":" + missing, "--detach");
        assertThat(mount.code).as(mount.err).isEqualTo(2);
        assertThat(mount.err).contains("-v '" + missing + ":" + missing + "': the host path " + missing
                + " does not exist; create it first");

        Run workspace = cli("sandbox", "run", "agent", "--runtime", "docker-sandbox", "--image", "agent-image:1",
                "--workspace", missing.toString(), "--detach");
        assertThat(workspace.code).as(workspace.err).isEqualTo(2);
        assertThat(workspace.err).contains("--workspace " + missing + ": " + missing + " does not exist; create it first");
        assertThat(missing).as("docker would have made it").doesNotExist();
        assertThat(dockerCalls()).isEmpty();
        assertThat(adminCalls).isEmpty();
    }

    @Test
    void execWithoutACommandOpensAShellAsRunDoes() throws Exception {
        Run run = cli("sandbox", "run", "agent", "--runtime", "docker-sandbox", "--image", "agent-image:1",
                "--workspace", dir.toString(), "--detach");
        assertThat(run.code).as(run.err).isZero();
        // its own process, stdin from /dev/null: an attached exec reads this JVM's stdin otherwise
        CliProcess.Result exec = CliProcess.run(List.of("sandbox", "exec", "agent", "--config", conf.toString(),
                "--state-dir", dir.resolve("state").toString(), "--docker", docker.toString()), Map.of());
        assertThat(exec.code()).as(exec.err()).isZero();
        assertThat(dockerCalls()).last().asString().startsWith("sandbox exec -i").endsWith(" agent sh");
    }

    @Test
    void aDockerTimeoutThatIsNotPositiveIsRefused() throws Exception {
        for (String timeout : List.of("-5", "0")) {
            Run ls = cli("sandbox", "ls", "--docker-timeout", timeout);
            assertThat(ls.code).as(ls.err).isEqualTo(2);
            assertThat(ls.err).contains("--docker-timeout " + timeout + " leaves docker no time");
        }
        assertThat(dockerCalls()).isEmpty();
    }

    @Test
    void lsSaysHowToFixASandboxTheRunningProxyDoesNotKnowAndOnlyRmSaysWhatAStoppedProxyMeansForIt() throws Exception {
        Files.writeString(dir.resolve("answer.ps.-a"), "agent\tUp 2 hours\tbusybox\nstale\tUp 3 hours\tbusybox\n");
        Run ls = cli("sandbox", "ls");
        assertThat(ls.code).as(ls.err).isZero();
        assertThat(ls.out).contains("agent\tdocker\tUp 2 hours\tbusybox\tregistered", "stale\tdocker\tUp 3 hours\tbusybox\t-");
        assertThat(ls.err).contains("PROXY - for stale: not registered with the running proxy (it was restarted after stale started),"
                + " so stale reaches nothing; make it again: `egress-proxy sandbox rm stale`, then `egress-proxy sandbox run stale …`")
                .doesNotContain("for agent", "not running");

        admin.stop(0);
        ls = cli("sandbox", "ls");
        assertThat(ls.code).as(ls.err).isZero();
        assertThat(ls.err).contains("PROXY -: the proxy is not running, so no sandbox reaches anything")
                .doesNotContain("skipping");

        Files.writeString(dir.resolve("answer.inspect.--type"), "agent\n"); // its label: a launcher sandbox
        Run exec = cli("sandbox", "exec", "agent", "--", "true");
        assertThat(exec.code).as(exec.err).isZero();
        assertThat(exec.err).isEmpty();

        Files.writeString(dir.resolve("proxy.conf.state.json"), "{\"scopes\": {\"agent\": {\"addAllow\": [\"saved.example.com\"]}}}");
        Run rm = cli("sandbox", "rm", "agent");
        assertThat(rm.code).as(rm.err).isZero();
        assertThat(rm.err).contains("the proxy is not running: there is no listener or registration to remove",
                "WARNING: the proxy's state file still keeps policy saved for agent",
                "start the proxy and run `egress-proxy sandbox rm agent` again");
    }

    @Test
    void logsOfANameNothingKnowsFailsAndOfAQuietSandboxSaysThereIsNothingYet() throws Exception {
        Run ghost = cli("sandbox", "logs", "ghost");
        assertThat(ghost.code).as(ghost.err).isEqualTo(1);
        assertThat(ghost.err).contains("no sandbox ghost: the proxy has no sandbox of that name, no container has the label"
                + " io.egressproxy.sandbox=ghost, and the launcher has no record of it; `egress-proxy sandbox ls` lists the sandboxes");

        Run registered = cli("sandbox", "logs", "agent"); // the fake admin has agent registered, and no decisions
        assertThat(registered.code).as(registered.err).isZero();
        assertThat(registered.err).contains("no decisions about sandbox agent yet");

        Files.writeString(dir.resolve("answer.ps.-aq"), "c0ffee\n"); // a container labelled for the name
        Run container = cli("sandbox", "logs", "ghost");
        assertThat(container.code).as(container.err).isZero();
        assertThat(container.err).contains("no decisions about sandbox ghost yet");
    }

    @Test
    void aDockerFailureIsReportedWithCommandCodeAndStderrAndEverythingIsRemoved() throws Exception {
        Files.writeString(dir.resolve("fail"), "network proxy");
        Run run = cli("sandbox", "run", "agent", "--runtime", "docker-sandbox", "--image", "agent-image:1",
                "--workspace", dir.toString(), "--detach");
        assertThat(run.code).isEqualTo(1);
        assertThat(run.err).contains("`docker sandbox network proxy agent --policy deny --allow-host localhost:40001` failed with exit code 3: proxy configuration rejected",
                "removed docker sandbox agent", "removed proxy listener 127.0.0.1:40001", "removed registration of sandbox agent");
        assertThat(dockerCalls()).containsExactly("sandbox create --name agent -t agent-image:1 shell " + dir,
                "sandbox network proxy agent --policy deny --allow-host localhost:40001", "sandbox rm agent");
        assertThat(adminCalls).endsWith("POST /v1/listeners/remove {\"sandbox\":\"agent\"}",
                "POST /v1/sandboxes/remove {\"name\":\"agent\",\"ephemeral\":true}");
        assertThat(dir.resolve("state/agent.properties")).doesNotExist();
    }
}
