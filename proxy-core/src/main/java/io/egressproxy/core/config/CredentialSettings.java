package io.egressproxy.core.config;

import io.egressproxy.core.inject.Secret;

import java.util.List;
import java.util.Map;

/**
 * One credential rule as configured. {@code secret} is null when its source is unset (the rule is
 * then skipped with one warning that says {@code missingReason}, which names the variable or file,
 * never a value).
 */
public record CredentialSettings(String name, List<String> hosts, Map<String, String> headers, Secret secret,
                                 String missingReason, String placeholder, boolean allowPlainHttp) {
    public CredentialSettings {
        hosts = List.copyOf(hosts);
        headers = Map.copyOf(headers);
    }
}
