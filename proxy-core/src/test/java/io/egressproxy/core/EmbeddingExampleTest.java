package io.egressproxy.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The README's embedding snippet, run as written, and checked to be the same text as the README's. */
@Timeout(30)
class EmbeddingExampleTest {

    @Test
    void readmeSnippetRunsAndStopsCleanly() throws Exception {
        PrintStream realOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            // README:begin
            try (EgressProxy proxy = EgressProxy.builder()
                    .listen("127.0.0.1:0")                         // port 0: any free port
                    .allow("api.anthropic.com", "localhost:12434")
                    .block("169.254.169.254")
                    .start()) {
                System.out.println("HTTP_PROXY=http://127.0.0.1:" + proxy.address().getPort());
                // ... start the sandbox with that HTTP_PROXY; close() stops the proxy ...
            }
            // README:end
        } finally {
            System.setOut(realOut);
        }
        Matcher port = Pattern.compile("HTTP_PROXY=http://127.0.0.1:(\\d+)").matcher(captured.toString(StandardCharsets.UTF_8));
        assertThat(port.find()).isTrue();
        assertThatThrownBy(() -> new Socket("127.0.0.1", Integer.parseInt(port.group(1))).close())
                .as("closed proxies stop listening").isInstanceOf(ConnectException.class);
    }

    @Test
    void theSnippetIsTheOneInTheReadme() throws Exception {
        String source = Files.readString(Path.of("src/test/java/io/egressproxy/core/EmbeddingExampleTest.java"));
        String snippet = source.substring(source.indexOf("// README:begin\n") + "// README:begin\n".length(),
                source.indexOf("            // README:end"));
        String readme = Files.readString(Path.of("../README.md"));
        assertThat(normalise(readme)).contains(normalise(snippet));
    }

    private static String normalise(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }
}
