package io.egressproxy.core.policy;

/**
 * An allow, block or bypass entry could not be accepted. The message names the entry (and, when it
 * came from a list, the list and index, e.g. {@code egress-proxy.policy.allow[3]: ...}), says what
 * is wrong and what to write instead. Thrown while a policy is built, i.e. at start-up or when a
 * policy is changed, never while deciding a request.
 *
 * <p>Unchecked because a bad entry is a configuration error that stops the change as a whole.
 * Immutable; safe to pass between threads.
 */
public final class InvalidPatternException extends IllegalArgumentException {

    /** @param message what is wrong and what to write instead */
    public InvalidPatternException(String message) {
        super(Text.printable(message));
    }

    /** @param message what is wrong and what to write instead, usually with the entry's location */
    public InvalidPatternException(String message, Throwable cause) {
        super(Text.printable(message), cause);
    }
}
