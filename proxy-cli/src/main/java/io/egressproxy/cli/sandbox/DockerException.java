package io.egressproxy.cli.sandbox;

import java.io.IOException;
import java.util.List;

/**
 * A command the launcher ran ({@code docker …}, {@code iptables …}) failed: the message names the
 * command, its exit code and its stderr, so a person can re-run it by hand. Immutable.
 */
public final class DockerException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> command;
    private final int exitCode;
    private final String stderr;

    public DockerException(List<String> command, int exitCode, String stderr) {
        super("`" + ShellWords.join(command) + "` failed with exit code " + exitCode
                + (stderr.isBlank() ? " and no message" : ": " + stderr.strip()));
        this.command = List.copyOf(command);
        this.exitCode = exitCode;
        this.stderr = stderr;
    }

    /** A command that could not start at all, or did not finish in time. */
    public DockerException(List<String> command, String problem, Throwable cause) {
        super("`" + ShellWords.join(command) + "` " + problem, cause);
        this.command = List.copyOf(command);
        this.exitCode = -1;
        this.stderr = "";
    }

    public List<String> command() {
        return command;
    }

    /** The exit code, or -1 when the command did not start or timed out. */
    public int exitCode() {
        return exitCode;
    }

    public String stderr() {
        return stderr;
    }
}
