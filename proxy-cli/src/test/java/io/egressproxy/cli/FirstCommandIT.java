package io.egressproxy.cli;

import io.egressproxy.core.testing.Curl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's first command, run as written (its {@code java -jar …} part; the build part has
 * just run): the shipped conf/proxy.conf listens on 127.0.0.1:3128 and allows localhost:12434,
 * so curl through it reaches a model-server stand-in on that port.
 */
@Timeout(120)
class FirstCommandIT {
    @Test
    void theReadmesRunCommandServesTheShippedConfig() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        String readme = Files.readString(root.resolve("README.md"));
        Matcher m = Pattern.compile("```sh\\n(.*?)\\n```", Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("README starts with a sh block").isTrue();
        String runCommand = m.group(1).lines().filter(l -> l.contains("java -jar")).findFirst().orElseThrow();
        String javaPart = runCommand.substring(runCommand.indexOf("java -jar"));
        List<String> argv = new ArrayList<>(List.of(javaPart.split("\\s+")));
        argv.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());

        com.sun.net.httpserver.HttpServer modelServer = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 12434), 10);
        modelServer.createContext("/", exchange -> {
            byte[] body = "{\"object\":\"list\",\"data\":[]}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        modelServer.start();
        Process proxy = new ProcessBuilder(argv).directory(root.toFile()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8));
            String line;
            StringBuilder log = new StringBuilder();
            while ((line = out.readLine()) != null && !line.contains("listening on")) {
                log.append(line).append('\n');
            }
            assertThat(line).as("proxy output:\n" + log).contains("listening on 127.0.0.1:3128");
            Curl.Result allowed = Curl.run("-x", "http://127.0.0.1:3128", "http://localhost:12434/engines/llama.cpp/v1/models");
            assertThat(allowed.out()).isEqualTo("{\"object\":\"list\",\"data\":[]}");
            Curl.Result denied = Curl.run("-x", "http://127.0.0.1:3128", "-w", " %{http_code}", "http://localhost:12435/");
            assertThat(denied.out()).contains("not in the allow-list").endsWith(" 403");
        } finally {
            proxy.destroy();
            assertThat(proxy.waitFor(20, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
            assertThat(proxy.exitValue()).isIn(0, 143);
            modelServer.stop(0);
        }
    }
}
