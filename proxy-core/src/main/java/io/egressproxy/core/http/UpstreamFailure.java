package io.egressproxy.core.http;

/**
 * Why an upstream could not be reached: the error the client gets and a reason that names the
 * host and what happened. Carried as the cause of a failed connect future.
 */
public final class UpstreamFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final ProxyError error;
    private final String rule;

    public UpstreamFailure(ProxyError error, String reason, String rule) {
        super(reason, null, false, false);
        this.error = error;
        this.rule = rule;
    }

    public ProxyError error() {
        return error;
    }

    /** The policy rule that refused the address, or null. */
    public String rule() {
        return rule;
    }
}
