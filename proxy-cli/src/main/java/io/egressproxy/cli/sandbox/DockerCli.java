package io.egressproxy.cli.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real {@link Docker}: {@link ProcessBuilder} with an argv list (never a shell string), stdout
 * and stderr captured on their own threads so neither pipe can fill up, and a time limit on every
 * command but {@link #attach}. The executable of {@code argv[0]} is looked up on {@code PATH}, which
 * is how tests put a recorded fake {@code docker} in front. Stateless; thread-safe.
 */
public final class DockerCli implements Docker {
    private final Duration timeout;
    private final String dockerExecutable;

    /** {@code dockerExecutable} replaces {@code docker} in every argv ("docker" = look it up on PATH). */
    public DockerCli(Duration timeout, String dockerExecutable) {
        this.timeout = timeout;
        this.dockerExecutable = dockerExecutable;
    }

    /** The argv actually started: {@code docker} becomes the configured executable (error messages keep the argv as built). */
    List<String> resolve(List<String> argv) {
        if (!argv.isEmpty() && argv.get(0).equals("docker") && !dockerExecutable.equals("docker")) {
            List<String> resolved = new java.util.ArrayList<>(argv);
            resolved.set(0, dockerExecutable);
            return resolved;
        }
        return argv;
    }

    @Override
    public String run(List<String> argv, byte[] stdin) throws DockerException {
        Result result = execute(argv, stdin);
        if (result.exitCode != 0) {
            throw new DockerException(argv, result.exitCode, result.stderr);
        }
        return result.stdout;
    }

    @Override
    public boolean probe(List<String> argv) {
        try {
            return execute(argv, null).exitCode == 0;
        } catch (DockerException e) {
            return false;
        }
    }

    @Override
    public int attach(List<String> argv) throws DockerException {
        Process process = start(new ProcessBuilder(resolve(argv)).inheritIO(), argv);
        try {
            return ForegroundChild.waitFor(process);
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new DockerException(argv, "was interrupted", e);
        }
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    private Result execute(List<String> argv, byte[] stdin) throws DockerException {
        Process process = start(new ProcessBuilder(resolve(argv)), argv);
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        } catch (IOException e) {
            // the command closed its stdin early; its exit code and stderr will say why
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new DockerException(argv, "did not finish within " + timeout.toSeconds() + "s", null);
            }
            return new Result(process.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new DockerException(argv, "was interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new DockerException(argv, "output could not be read: " + e, e);
        }
    }

    private static Process start(ProcessBuilder builder, List<String> argv) throws DockerException {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new DockerException(argv, "could not be started (" + e.getMessage() + "); is " + argv.get(0)
                    + " installed and on PATH?", e);
        }
    }

    private static String drain(InputStream stream) {
        try (stream) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            stream.transferTo(bytes);
            return bytes.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
