package io.egressproxy.cli.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher's records hold {@code -e} values: only their owner may read them. */
@Timeout(10)
@DisabledOnOs(OS.WINDOWS)
class SandboxStoreTest {
    @TempDir
    Path dir;

    static String permissions(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void theStateDirectoryIsCreatedOwnerOnlyAndEachRecordIsOwnerOnly() throws Exception {
        SandboxStore store = new SandboxStore(dir.resolve("home/.egress-proxy/sandboxes"));
        store.save(new SandboxStore.Entry("agent", SandboxRuntimeKind.DOCKER, 40001, List.of("API_KEY=sk-secret")));
        assertThat(permissions(store.dir())).isEqualTo("rwx------");
        assertThat(permissions(store.dir().resolve("agent.properties"))).isEqualTo("rw-------");
        assertThat(store.find("agent").orElseThrow().env()).containsExactly("API_KEY=sk-secret");
    }

    @Test
    void aRecordAnOlderLauncherLeftReadableIsMadeOwnerOnlyWhenItIsWrittenAgain() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path record = Files.writeString(dir.resolve("agent.properties"), "runtime=docker\n");
        Files.setPosixFilePermissions(record, PosixFilePermissions.fromString("rw-r--r--"));
        new SandboxStore(dir).save(new SandboxStore.Entry("agent", SandboxRuntimeKind.DOCKER, 40001, List.of("K=v")));
        assertThat(permissions(record)).isEqualTo("rw-------");
        assertThat(permissions(dir)).as("--state-dir may name a directory that is not the launcher's alone").isEqualTo("rwxr-xr-x");
    }
}
