package io.egressproxy.bridge.net;

/**
 * The bridge could not connect to the egress proxy. The message names the proxy address and the
 * cause in a few words ({@code cannot reach the egress proxy at host.docker.internal:3128:
 * connection refused}); it never holds credentials. Immutable.
 */
public final class ProxyConnectException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean timedOut;

    ProxyConnectException(String message, boolean timedOut, Throwable cause) {
        super(message, cause, false, false);
        this.timedOut = timedOut;
    }

    /** Whether the connect timed out (as opposed to being refused or failing otherwise). */
    public boolean timedOut() {
        return timedOut;
    }
}
