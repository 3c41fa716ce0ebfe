package io.egressproxy.cli.sandbox;

import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What a launch has created so far, so that a failure removes it again, newest first, and no
 * half-made sandbox is left behind. A removal that fails is reported and the rest still run.
 * Used by one thread.
 */
public final class Rollback {
    /** Removes one thing that was created. */
    public interface Undo {
        void run() throws Exception;
    }

    private record Step(String what, Undo undo) {
    }

    /** A stop was asked for (Ctrl-C, SIGTERM) while the sandbox was being made. */
    public static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("interrupted (SIGINT or SIGTERM) while it was being made");
        }
    }

    private final Deque<Step> created = new ArrayDeque<>();
    private final java.util.function.BooleanSupplier stopRequested;

    public Rollback() {
        this(() -> false);
    }

    /** @param stopRequested asked after every recorded step: true ends the launch with {@link Stopped} */
    public Rollback(java.util.function.BooleanSupplier stopRequested) {
        this.stopRequested = stopRequested;
    }

    /**
     * Records that {@code what} now exists and how to remove it. Call it once the step succeeded, so
     * that a failed step never removes something that was there before; only a step that can fail
     * half-way (leaving part of its work behind) is recorded first, with an undo that finds exactly
     * what this launch made (by the sandbox's label or rule comment).
     */
    public void created(String what, Undo undo) {
        created.push(new Step(what, undo));
        stopIfRequested();
    }

    /** Ends the launch with {@link Stopped} when a stop was asked for; what was made is still recorded. */
    public void stopIfRequested() {
        if (stopRequested.getAsBoolean()) {
            throw new Stopped();
        }
    }

    /** The launch succeeded: keep everything (unless a stop came in during the last step). */
    public void commit() {
        stopIfRequested();
        created.clear();
    }

    /** Removes everything recorded, newest first; says what it removed and what it could not. Returns the failures. */
    public List<String> undo(PrintWriter err) {
        List<String> failures = new ArrayList<>();
        while (!created.isEmpty()) {
            Step step = created.pop();
            try {
                step.undo.run();
                err.println("removed " + step.what);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                failures.add(step.what + ": " + e.getMessage());
                err.println("could not remove " + step.what + ": " + e.getMessage());
            }
        }
        err.flush();
        return failures;
    }
}
