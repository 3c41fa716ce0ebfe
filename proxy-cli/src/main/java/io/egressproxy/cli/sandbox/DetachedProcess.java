package io.egressproxy.cli.sandbox;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts a long-lived background process (the proxy every sandbox depends on) so that it outlives
 * the terminal it was started from. A child of {@link ProcessBuilder} stays in the caller's process
 * group, so Ctrl-C on {@code sandbox run} (SIGINT to the terminal's foreground group) would kill it
 * too. Here it runs under {@code setsid}, in a session of its own with no controlling terminal, so
 * no terminal signal (SIGINT, SIGQUIT, SIGTSTP, SIGHUP) reaches it. Where there is no {@code setsid}
 * (macOS), it stays in the caller's session but with those signals ignored, which survives
 * {@code exec} and which a JVM keeps. Stdin is {@code /dev/null}; stdout and stderr go to the log.
 * Stateless.
 */
final class DetachedProcess {
    /** Ignores the terminal's signals, then becomes the command (so the pid is the command's). */
    static final String IGNORE_TERMINAL_SIGNALS = "trap '' INT QUIT TSTP HUP; exec \"$@\"";

    private DetachedProcess() {
    }

    /**
     * The argv that runs {@code command} detached (pure). {@code setsid} runs it in place: a child of
     * a JVM never leads its process group, so setsid need not fork, and the pid stays the command's.
     *
     * @param setsid the {@code setsid} executable, or null when there is none
     */
    static List<String> argv(List<String> command, Path setsid) {
        List<String> argv = new ArrayList<>();
        if (setsid != null) {
            argv.add(setsid.toString());
        } else {
            argv.addAll(List.of("/bin/sh", "-c", IGNORE_TERMINAL_SIGNALS, "sh"));
        }
        argv.addAll(command);
        return argv;
    }

    /** Starts {@code command} detached, appending its output to {@code log}; returns the command's process. */
    static Process start(List<String> command, Path log) throws IOException {
        return new ProcessBuilder(argv(command, setsid().orElse(null)))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /** {@code setsid} on PATH (util-linux), if any. */
    static Optional<Path> setsid() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, "setsid");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
