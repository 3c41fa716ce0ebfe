package io.egressproxy.cli.sandbox;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ShellWordsTest {
    @Test
    void plainWordsStayAsTheyAreAndTheRestIsSingleQuoted() {
        assertThat(ShellWords.join(List.of("docker", "network", "create", "--subnet", "10.0.0.0/24", "-l", "a=b")))
                .isEqualTo("docker network create --subnet 10.0.0.0/24 -l a=b");
        assertThat(ShellWords.join(List.of("sh", "-c", "set -e; echo $HOME", "", "it's")))
                .isEqualTo("sh -c 'set -e; echo $HOME' '' 'it'\\''s'");
    }

    @Test
    void aShellGivesBackExactlyTheArgvThatWasQuoted() throws Exception {
        List<String> argv = List.of("x y", "it's", "$(id)", "a\"b", "*", "tab\there", "new\nline", "", "back\\slash");
        Process sh = new ProcessBuilder("/bin/sh", "-c", "for a in " + ShellWords.join(argv) + "; do printf '%s\\0' \"$a\"; done")
                .redirectErrorStream(true).start();
        String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sh.waitFor()).isZero();
        assertThat(List.of(out.split("\0", -1)).subList(0, argv.size())).containsExactlyElementsOf(argv);
    }

    @Test
    void aFailedCommandIsReportedAsItWouldBeTyped() {
        DockerException e = new DockerException(List.of("docker", "exec", "agent", "/bin/sh", "-c", "command -v java"), 1, "");
        assertThat(e).hasMessage("`docker exec agent /bin/sh -c 'command -v java'` failed with exit code 1 and no message");
    }

    @Test
    void theValuesOfEnvironmentVariablesNeverAppearInAFailedCommand() {
        DockerException e = new DockerException(List.of("docker", "run", "-e", "GITHUB_TOKEN=ghp-userSECRET", "--env",
                "B=two", "-v", "/a:/b", "img"), 125, "boom");
        assertThat(e.getMessage()).isEqualTo("`docker run -e GITHUB_TOKEN=... --env B=... -v /a:/b img` failed with exit code 125: boom")
                .doesNotContain("SECRET");
        assertThat(e.command()).as("the argv itself is kept whole for callers").contains("GITHUB_TOKEN=ghp-userSECRET");
    }
}
