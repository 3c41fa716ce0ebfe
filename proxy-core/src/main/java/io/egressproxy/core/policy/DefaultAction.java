package io.egressproxy.core.policy;

/**
 * What happens to a host that no allow or block entry names ({@code egress-proxy.policy.default}).
 * {@code ASK} holds the request for a person to decide; until approvals exist it denies, saying so.
 */
public enum DefaultAction {
    DENY, ALLOW, ASK
}
