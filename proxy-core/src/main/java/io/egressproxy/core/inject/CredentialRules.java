package io.egressproxy.core.inject;

import io.egressproxy.core.policy.Host;

import java.util.ArrayList;
import java.util.List;

/** The credential rules of one scope, in order. Immutable, thread-safe. */
public final class CredentialRules {
    private static final CredentialRules NONE = new CredentialRules(List.of());
    private final List<CredentialRule> rules;

    private CredentialRules(List<CredentialRule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static CredentialRules of(List<CredentialRule> rules) {
        return rules.isEmpty() ? NONE : new CredentialRules(rules);
    }

    public static CredentialRules none() {
        return NONE;
    }

    /** These rules then {@code more} (a sandbox's rules before the global ones). */
    public CredentialRules with(CredentialRules more) {
        List<CredentialRule> all = new ArrayList<>(rules);
        all.addAll(more.rules);
        return of(all);
    }

    /** The rules that name {@code host:port}. */
    public List<CredentialRule> forHost(Host host, int port) {
        if (rules.isEmpty()) {
            return List.of();
        }
        List<CredentialRule> matching = new ArrayList<>(1);
        for (CredentialRule rule : rules) {
            if (rule.appliesTo(host, port)) {
                matching.add(rule);
            }
        }
        return matching;
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    public List<CredentialRule> all() {
        return rules;
    }
}
