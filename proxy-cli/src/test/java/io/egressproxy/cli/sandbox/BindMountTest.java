package io.egressproxy.cli.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BindMountTest {
    @TempDir
    Path dir;

    @Test
    void aRelativeSourceIsAPathFromTheWorkingDirectoryNotANamedVolume() throws Exception {
        Files.createDirectories(dir.resolve("docs"));
        assertThat(BindMount.parse("docs:/docs:ro", dir)).hasToString(dir.resolve("docs") + ":/docs:ro");
        assertThat(BindMount.parse("./docs/../docs:/d", dir)).hasToString(dir.resolve("docs") + ":/d");
        assertThat(BindMount.parse("docs:/srv/./a/../b/", dir).destination()).isEqualTo("/srv/b");
    }

    @Test
    void anAbsoluteSourceStaysAndRwIsTheDefault() throws Exception {
        Path file = Files.writeString(dir.resolve("f.txt"), "x");
        BindMount mount = BindMount.parse(file + ":/in/f.txt:rw", Path.of("/elsewhere"));
        assertThat(mount.source()).isEqualTo(file);
        assertThat(mount.readOnly()).isFalse();
        assertThat(mount).hasToString(file + ":/in/f.txt");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "missing     | missing:/m        | does not exist; create it first",
            "no dst      | docs              | write SRC:DST or SRC:DST:ro",
            "empty src   | :/docs            | write SRC:DST or SRC:DST:ro",
            "bad mode    | docs:/docs:z      | the mode 'z' is neither ro nor rw",
            "too many    | docs:/a:ro:x      | write SRC:DST or SRC:DST:ro",
            "rel dst     | docs:docs         | the destination 'docs' is not an absolute path inside the sandbox",
            "root        | docs:/            | the destination is the sandbox's root directory",
            "dot-dot     | docs:/data/../    | the destination is the sandbox's root directory",
            "over /etc   | docs:/data/../etc | the destination /etc would cover /etc/ssl/certs/ca-certificates.crt",
            "over ours   | docs:/opt/egress-proxy | the destination /opt/egress-proxy would cover /opt/egress-proxy/truststore.p12",
            "the CA      | docs:/usr/local/share/ca-certificates/egress-proxy.crt | would cover /usr/local/share/ca-certificates/egress-proxy.crt",
    })
    void aBadMountIsRefusedWithWhatToWrite(String name, String text, String problem) throws Exception {
        Files.createDirectories(dir.resolve("docs"));
        assertThatThrownBy(() -> BindMount.parse(text, dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("-v '" + text + "': ")
                .hasMessageContaining(problem);
    }

    @Test
    void theWorkspaceMustBeAnExistingDirectory() throws Exception {
        Files.createDirectories(dir.resolve("w"));
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThat(BindMount.workspace(Path.of("w"), dir)).isEqualTo(dir.resolve("w"));
        assertThatThrownBy(() -> BindMount.workspace(Path.of("nope"), dir))
                .hasMessage("--workspace nope: " + dir.resolve("nope") + " does not exist; create it first");
        assertThatThrownBy(() -> BindMount.workspace(file, dir)).hasMessageEndingWith(" is not a directory");
    }
}
