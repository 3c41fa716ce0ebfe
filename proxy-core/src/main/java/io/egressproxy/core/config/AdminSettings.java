package io.egressproxy.core.config;

import java.nio.file.Path;

/**
 * The admin API's settings ({@code egress-proxy.admin}).
 *
 * @param listen     TCP listen address, or null (no TCP listener)
 * @param unixSocket Unix domain socket path, or null
 * @param stateFile  where live changes persist, or null (not persisted)
 */
public record AdminSettings(HostAndPort listen, Path unixSocket, Path tokenFile, Path stateFile, int recentDecisions) {
    public boolean enabled() {
        return listen != null || unixSocket != null;
    }
}
