package io.egressproxy.core.policy;

import java.net.InetAddress;

/**
 * The policy that applies to one client: the global lists merged with its sandbox's (block always
 * wins, then either allow list), the L7 request rules, the default for unnamed hosts, and whether
 * denials are only reported. Decisions here never consider report mode; the caller logs a would-be
 * denial and lets the request through when {@link #reportOnly()} is set. Immutable, thread-safe.
 *
 * @param sandbox the sandbox's name, or null for clients no sandbox claims
 */
public record PolicyScope(String sandbox, Policy policy, RequestRules rules, DefaultAction defaultAction,
                          boolean reportOnly, io.egressproxy.core.inject.CredentialRules credentials) {

    /** Name-level decision, with the default applied to hosts no entry names. */
    public Decision decide(Host host, int port) {
        Decision decision = policy.decide(host, port);
        if (decision.allowed() || decision.rule() != null) {
            return decision;
        }
        return switch (defaultAction) {
            case DENY -> decision;
            case ALLOW -> Decision.allow(null, "host '" + host.name() + ":" + port
                    + "' is allowed by default (egress-proxy.policy.default = allow)");
            case ASK -> Decision.deny(decision.reason() + " (policy.default = ask: held for a person's approval)");
        };
    }

    /** Address-level decision for one resolved address (see {@link Policy#checkAddress}). */
    public Decision checkAddress(Host host, int port, InetAddress address) {
        return policy.checkAddress(host, port, address);
    }

    /** L7 decision for a request the proxy can see into. */
    public Decision checkRequest(Host host, int port, String method, String pathAndQuery) {
        return rules.check(host, port, method, pathAndQuery);
    }

    /** Whether requests to this host must be inspected (TLS-intercepted) to apply request rules. */
    public boolean restricts(Host host, int port) {
        return rules.restricts(host, port);
    }

    /** Credential rules that name {@code host:port}. */
    public java.util.List<io.egressproxy.core.inject.CredentialRule> credentialsFor(Host host, int port) {
        return credentials.forHost(host, port);
    }

    /** Whether {@code host:port} is a bypass entry (never intercepted). */
    public boolean isBypassed(Host host, int port) {
        return policy.isBypassed(host, port);
    }

    public String label() {
        return sandbox == null ? "-" : sandbox;
    }
}
