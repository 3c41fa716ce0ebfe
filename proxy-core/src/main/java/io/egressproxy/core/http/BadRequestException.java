package io.egressproxy.core.http;

/**
 * A request the proxy refuses to forward, with the error to answer and a reason a person can act
 * on. Thrown only while parsing one request; never crosses a thread.
 */
final class BadRequestException extends Exception {
    private static final long serialVersionUID = 1L;
    private final ProxyError error;

    BadRequestException(ProxyError error, String reason) {
        super(reason, null, false, false);
        this.error = error;
    }

    ProxyError error() {
        return error;
    }
}
