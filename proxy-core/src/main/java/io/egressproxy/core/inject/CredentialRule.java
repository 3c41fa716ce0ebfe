package io.egressproxy.core.inject;

import io.egressproxy.core.policy.Host;
import io.egressproxy.core.policy.HostPattern;

import java.util.List;
import java.util.Map;

/**
 * One credential rule (a null {@code secret} means its source was unset: requests to its hosts are
 * refused rather than sent without the credential): the hosts it names, the headers it sets (each a template in which
 * {@code {secret}} stands for the secret), the secret itself, and the placeholder the sandbox holds
 * instead. {@link #toString()} never shows the secret. Immutable.
 *
 * @param allowPlainHttp whether the secret may be sent over plain HTTP to the rule's hosts; when
 *                       false such requests are refused rather than sent in clear text
 */
public record CredentialRule(String name, List<HostPattern> hosts, Map<String, String> headers, Secret secret,
                             String placeholder, boolean allowPlainHttp) {
    public static final String SECRET_TOKEN = "{secret}";

    public CredentialRule {
        hosts = List.copyOf(hosts);
        headers = Map.copyOf(headers);
    }

    /** Whether the rule names {@code host:port}. */
    public boolean appliesTo(Host host, int port) {
        for (HostPattern pattern : hosts) {
            if (pattern.matches(host, port)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the secret is available (its variable or file was set when the config was read). */
    public boolean hasSecret() {
        return secret != null;
    }

    /** The value to send for {@code template}: the template with the secret in place. */
    String fill(String template) {
        return template.replace(SECRET_TOKEN, secret.reveal());
    }

    @Override
    public String toString() {
        return "CredentialRule[" + name + " " + hosts + " headers=" + headers.keySet() + "]";
    }
}
