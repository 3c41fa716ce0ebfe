package io.egressproxy.cli.sandbox;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * What the launcher remembers about each sandbox it started, one small file per sandbox under the
 * state directory: its runtime, the proxy port it was given and its {@code -e} variables (a docker
 * sandbox needs them again on every exec). Docker labels stay the source of truth for containers
 * and networks. Used by one command at a time.
 */
public final class SandboxStore {
    /** One sandbox's record. */
    public record Entry(String name, SandboxRuntimeKind runtime, int proxyPort, List<String> env) {
    }

    private final Path dir;

    public SandboxStore(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Writes the record owner-only ({@link PrivateFiles}): it holds the {@code -e} values. */
    public void save(Entry entry) throws IOException {
        PrivateFiles.createDirectories(dir);
        Properties p = new Properties();
        p.setProperty("runtime", entry.runtime().label());
        p.setProperty("proxy-port", String.valueOf(entry.proxyPort()));
        for (int i = 0; i < entry.env().size(); i++) {
            p.setProperty("env." + i, entry.env().get(i));
        }
        try (Writer w = Files.newBufferedWriter(PrivateFiles.restrict(file(entry.name())))) {
            p.store(w, "egress-proxy sandbox " + entry.name());
        }
    }

    public Optional<Entry> find(String name) throws IOException {
        Path file = file(name);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        List<String> env = new ArrayList<>();
        for (int i = 0; p.containsKey("env." + i); i++) {
            env.add(p.getProperty("env." + i));
        }
        return Optional.of(new Entry(name, SandboxRuntimeKind.parse(p.getProperty("runtime", "docker")),
                Integer.parseInt(p.getProperty("proxy-port", "0")), env));
    }

    /** The names of every sandbox on record, sorted. */
    public List<String> names() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".properties"))
                    .map(f -> f.substring(0, f.length() - ".properties".length())).filter(SandboxNames::isValid).sorted().toList();
        }
    }

    public void delete(String name) throws IOException {
        Files.deleteIfExists(file(name));
    }

    private Path file(String name) {
        return dir.resolve(SandboxNames.check(name) + ".properties"); // a checked name cannot leave the directory
    }
}
