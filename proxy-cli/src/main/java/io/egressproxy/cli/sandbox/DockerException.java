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
        super("`" + printable(command) + "` failed with exit code " + exitCode
                + (stderr.isBlank() ? " and no message" : ": " + stderr.strip()));
        this.command = List.copyOf(command);
        this.exitCode = exitCode;
        this.stderr = stderr;
    }

    /** A command that could not start at all, or did not finish in time. */
    public DockerException(List<String> command, String problem, Throwable cause) {
        super("`" + printable(command) + "` " + problem, cause);
        this.command = List.copyOf(command);
        this.exitCode = -1;
        this.stderr = "";
    }

    /**
     * The command as a person can paste it, with the value of every {@code -e K=V} cut to
     * {@code K=...}: those are the user's {@code -e} values (tokens, passwords), and an error
     * message ends up in terminals, CI logs and bug reports.
     */
    static String printable(List<String> command) {
        List<String> shown = new java.util.ArrayList<>(command.size());
        for (int i = 0; i < command.size(); i++) {
            String word = command.get(i);
            boolean envValue = i > 0 && (command.get(i - 1).equals("-e") || command.get(i - 1).equals("--env"))
                    && word.indexOf('=') > 0;
            shown.add(envValue ? word.substring(0, word.indexOf('=') + 1) + "..." : word);
        }
        return ShellWords.join(shown);
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
