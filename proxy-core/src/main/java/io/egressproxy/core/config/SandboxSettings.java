package io.egressproxy.core.config;

import io.egressproxy.core.inject.Secret;

import java.util.List;

/**
 * One sandbox as configured (its {@code defaultAction} is null when it follows policy.default) under {@code egress-proxy.sandboxes.NAME}: how it is recognised (its
 * token, sent as the password of Proxy-Authorization with NAME as the user, and/or the source
 * addresses it connects from) and its own lists, which add to the global ones.
 *
 * @param token null when the sandbox is recognised by source address only
 */
public record SandboxSettings(String name, Secret token, List<String> sources, List<String> allow, List<String> block,
                              List<String> bypass, List<RequestRuleSettings> rules, List<CredentialSettings> credentials,
                              io.egressproxy.core.policy.DefaultAction defaultAction) {
    public SandboxSettings {
        sources = List.copyOf(sources);
        allow = List.copyOf(allow);
        block = List.copyOf(block);
        bypass = List.copyOf(bypass);
        rules = List.copyOf(rules);
        credentials = List.copyOf(credentials);
    }
}
