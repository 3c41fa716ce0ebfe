package io.egressproxy.core.identity;

import io.egressproxy.core.policy.PolicyScope;

/**
 * The outcome of identifying one request's client.
 *
 * @param scope   the policy that applies (the global one for anonymous clients); null when rejected
 * @param problem for REJECTED and required-but-ANONYMOUS: what to tell the client (never which part of
 *                a credential was wrong)
 */
public record Identification(Kind kind, PolicyScope scope, String problem) {
    public enum Kind { IDENTIFIED, ANONYMOUS, REJECTED }

    public boolean mustAuthenticate() {
        return scope == null;
    }
}
