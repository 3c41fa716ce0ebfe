package io.egressproxy.bridge.config;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The user name and password the bridge presents to the egress proxy as
 * {@code Proxy-Authorization: Basic …} (for the proxy, the user name identifies the sandbox).
 * {@link #toString()} hides the password, so logging settings never leaks it. Immutable.
 */
public record ProxyCredentials(String user, String password) {

    public ProxyCredentials {
        if (user == null || password == null) {
            throw new BridgeConfigException("proxy credentials need a user name and a password (may be empty)");
        }
    }

    /** The value of the {@code Proxy-Authorization} header. */
    public String authorization() {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "ProxyCredentials[user=" + user + ", password=***]";
    }
}
