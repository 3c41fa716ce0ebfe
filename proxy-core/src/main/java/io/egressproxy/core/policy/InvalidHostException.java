package io.egressproxy.core.policy;

/**
 * A host taken from a request could not be accepted; the message says what is wrong with it in
 * one line a person can act on, and echoes at most about 100 characters of the input with control
 * and non-ASCII characters escaped (so it can go into a 400 response or a log line as it is).
 *
 * <p>This is an expected outcome of hostile or broken input, not a bug: callers answer it with a
 * 400 and the message. Immutable; safe to pass between threads.
 */
public final class InvalidHostException extends Exception {

    /**
     * @param message what is wrong with the host; it is made printable (control and non-ASCII
     *     characters escaped) but callers must still quote untrusted input themselves
     */
    public InvalidHostException(String message) {
        super(Text.printable(message));
    }
}
