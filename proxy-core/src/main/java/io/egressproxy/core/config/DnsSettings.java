package io.egressproxy.core.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How upstream names are resolved: static overrides first, then /etc/hosts, then DNS servers
 * (the system's when {@code servers} is empty).
 */
public record DnsSettings(Map<String, InetAddress> hosts, List<HostAndPort> servers, Duration queryTimeout) {
    public DnsSettings {
        hosts = Map.copyOf(hosts);
        servers = List.copyOf(servers);
    }
}
