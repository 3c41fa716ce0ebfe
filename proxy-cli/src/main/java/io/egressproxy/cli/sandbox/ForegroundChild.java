package io.egressproxy.cli.sandbox;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Waits for an attached child ({@code docker exec -i}) the way a shell waits for a foreground job.
 * Ctrl-C sends SIGINT to the terminal's whole foreground process group, this JVM and the child
 * alike. By default the JVM would start shutting down at once, racing the child, and the launcher
 * could report the child's exit as if it had ended by itself ("command exited with 0"). While the
 * child runs, SIGINT is only noted (a second one ends the child), and the child's status then
 * reports the interrupt: 130 (128 + SIGINT) unless the child's own status already says which
 * signal ended it. Used by one thread at a time; the handler is restored afterwards.
 */
final class ForegroundChild {
    /** 128 + SIGINT, as a shell reports a job that Ctrl-C ended. */
    static final int INTERRUPTED = 130;

    private ForegroundChild() {
    }

    /** Waits for {@code process} to end and returns its exit status, 130 when the wait saw a SIGINT and the child exited normally. */
    static int waitFor(Process process) throws InterruptedException {
        AtomicInteger interrupts = new AtomicInteger();
        Signal sigint = new Signal("INT");
        SignalHandler previous;
        try {
            previous = Signal.handle(sigint, signal -> {
                if (interrupts.incrementAndGet() > 1) {
                    process.destroy(); // the child ignored the first Ctrl-C; the person means it
                }
            });
        } catch (IllegalArgumentException e) {
            return process.waitFor(); // SIGINT is not ours to handle here (-Xrs): the JVM's default stays
        }
        try {
            int exit = process.waitFor();
            return interrupts.get() > 0 && exit <= 128 ? INTERRUPTED : exit;
        } finally {
            Signal.handle(sigint, previous);
        }
    }

    /** How an attached command ended, for a person: "exited with 3", "ended by SIGINT, exit 130". */
    static String describe(int exit) {
        if (exit <= 128 || exit > 128 + 64) {
            return "exited with " + exit;
        }
        int signal = exit - 128;
        String name = switch (signal) {
            case 1 -> "SIGHUP";
            case 2 -> "SIGINT";
            case 3 -> "SIGQUIT";
            case 9 -> "SIGKILL";
            case 15 -> "SIGTERM";
            default -> "signal " + signal;
        };
        return "ended by " + name + ", exit " + exit;
    }
}
