package io.egressproxy.core.config;

import java.util.List;

/** One L7 rule as written: {@code { host = "api.github.com", methods = [GET], paths = ["/repos/acme/*"] }}. */
public record RequestRuleSettings(String host, List<String> methods, List<String> paths) {
    public RequestRuleSettings {
        methods = List.copyOf(methods);
        paths = List.copyOf(paths);
    }
}
