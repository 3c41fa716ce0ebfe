package io.egressproxy.core.config;

import io.egressproxy.core.inject.Secret;

import java.util.List;
import java.util.Map;

/**
 * One credential rule as configured. {@code secret} is null when its source is unset (the rule is
 * then skipped with one warning that says {@code missingReason}, which names the variable or file,
 * never a value). {@code placeholderEnv} names the variable a sandbox launcher sets to the
 * placeholder: {@code placeholder-env}, else the {@code env} the secret is read from, else null (a
 * rule with a literal or file secret and no {@code placeholder-env} names no variable).
 */
public record CredentialSettings(String name, List<String> hosts, Map<String, String> headers, Secret secret,
                                 String missingReason, String placeholder, String placeholderEnv, boolean allowPlainHttp) {
    public CredentialSettings {
        hosts = List.copyOf(hosts);
        headers = Map.copyOf(headers);
    }
}
