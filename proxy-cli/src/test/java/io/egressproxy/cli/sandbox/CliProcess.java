package io.egressproxy.cli.sandbox;

import io.egressproxy.cli.Main;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code egress-proxy} in a child JVM (this test's class path), as a user runs it from a shell:
 * its own stdout, stderr and exit code, stdin from {@code /dev/null}, and an environment the test
 * may change (e.g. PATH). Needed where the CLI hands its stdio to a child ({@code docker exec}) or
 * reads its environment, which an in-process {@code CommandLine.execute} cannot show or change.
 */
final class CliProcess {
    /** What the child printed and how it exited. */
    record Result(int code, String out, String err) {
    }

    private CliProcess() {
    }

    /** Runs the CLI with {@code args}; {@code env} entries replace the inherited ones. Killed after 120 s. */
    static Result run(List<String> args, Map<String, String> env) throws Exception {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        argv.addAll(args);
        Path out = Files.createTempFile("ep-cli", ".out");
        Path err = Files.createTempFile("ep-cli", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(env);
            Process p = builder.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("egress-proxy " + args + " did not finish within 120s; stderr:\n"
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
