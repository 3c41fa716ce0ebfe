package io.egressproxy.cli.sandbox;

import java.util.List;

/**
 * Runs external commands for the launcher: {@code docker …}, {@code iptables …} and {@code ip …},
 * each an argv list built by a pure function. {@link DockerCli} is the real one; tests substitute a recording
 * fake. Implementations must be safe to call from one thread at a time (the launcher is sequential).
 */
public interface Docker {
    /** Runs {@code argv} to completion and returns its stdout; a non-zero exit is a {@link DockerException}. */
    default String run(List<String> argv) throws DockerException {
        return run(argv, null);
    }

    /** As {@link #run(List)}, writing {@code stdin} (may be null) to the command's standard input. */
    String run(List<String> argv, byte[] stdin) throws DockerException;

    /** Runs {@code argv} and says whether it exited 0 (for "does the image have java?" questions). */
    boolean probe(List<String> argv);

    /**
     * Runs {@code argv} attached to this process's terminal (an interactive session) and returns its
     * exit code. The session lasts as long as the person wants; Ctrl-C ends it, and then the exit
     * code says so (130, or 128 + the signal that ended it), whatever the command itself returned.
     */
    int attach(List<String> argv) throws DockerException;
}
