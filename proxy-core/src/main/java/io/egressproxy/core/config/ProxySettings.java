package io.egressproxy.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;

import io.egressproxy.core.policy.HostPattern;
import io.egressproxy.core.policy.InvalidPatternException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the proxy core needs, read eagerly from the {@code egress-proxy} section of a
 * {@link Config}. Immutable; built once per start or reload.
 */
public record ProxySettings(
        HostAndPort listen,
        PolicySettings policy,
        DnsSettings dns,
        LimitSettings limits,
        TransportSettings transport) {

    static final String ROOT = "egress-proxy";

    /**
     * Reads the settings from a resolved config that has reference.conf as its fallback.
     *
     * @throws InvalidConfigException naming the file, key and expectation of the first bad value
     */
    public static ProxySettings from(Config root) {
        try {
            root.checkValid(com.typesafe.config.ConfigFactory.defaultReference(), ROOT);
        } catch (ConfigException e) {
            throw new InvalidConfigException(e.getMessage(), e);
        }
        ConfigReader r = new ConfigReader(root, ROOT);
        return new ProxySettings(
                r.hostAndPort("listen"),
                readPolicy(r),
                readDns(r),
                readLimits(r),
                new TransportSettings(r.bool("transport.native"), r.intValue("transport.threads", 0, 1024)));
    }

    private static PolicySettings readPolicy(ConfigReader r) {
        Set<Integer> ports = new LinkedHashSet<>();
        for (int port : r.ints("policy.default-ports")) {
            if (port < 1 || port > 65535) {
                throw r.invalid("policy.default-ports", "expected ports from 1 to 65535, got " + port);
            }
            ports.add(port);
        }
        return new PolicySettings(patterns(r, "policy.allow"), patterns(r, "policy.block"), patterns(r, "policy.bypass"), ports);
    }

    /** Reads a pattern list and checks every entry now, so a mistake is reported with its file and line. */
    private static List<String> patterns(ConfigReader r, String path) {
        List<String> entries = r.strings(path);
        for (int i = 0; i < entries.size(); i++) {
            try {
                HostPattern.parse(entries.get(i));
            } catch (InvalidPatternException e) {
                throw new InvalidConfigException(r.origin(path) + ROOT + "." + path + "[" + i + "]: " + e.getMessage(), e);
            }
        }
        return entries;
    }

    private static DnsSettings readDns(ConfigReader r) {
        Map<String, InetAddress> hosts = new LinkedHashMap<>();
        Config hostsConfig = r.object("dns.hosts");
        for (Map.Entry<String, ConfigValue> entry : hostsConfig.root().entrySet()) {
            String name = entry.getKey().toLowerCase(java.util.Locale.ROOT);
            Object raw = entry.getValue().unwrapped();
            if (!(raw instanceof String)) {
                throw r.invalid("dns.hosts", "entry '" + entry.getKey() + "' must map to an IP address string, got " + raw);
            }
            hosts.put(name, parseLiteralAddress((String) raw, r, "dns.hosts"));
        }
        List<HostAndPort> servers = new ArrayList<>();
        for (String server : r.strings("dns.servers")) {
            try {
                HostAndPort hp = server.indexOf(':') < 0 || (server.indexOf(':') != server.lastIndexOf(':') && !server.startsWith("["))
                        ? new HostAndPort(server, 53) : HostAndPort.parse(server);
                parseLiteralAddress(hp.host(), r, "dns.servers");
                servers.add(hp);
            } catch (IllegalArgumentException e) {
                throw r.invalid("dns.servers", e.getMessage());
            }
        }
        return new DnsSettings(hosts, servers, r.duration("dns.query-timeout"));
    }

    /** Parses an IP literal without ever asking DNS. */
    static InetAddress parseLiteralAddress(String text, ConfigReader r, String path) {
        String t = text.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        boolean literal = !t.isEmpty() && (t.indexOf(':') >= 0
                ? t.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')
                : t.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.') && t.split("\\.", -1).length == 4);
        if (!literal) {
            throw r.invalid(path, "expected an IP address such as 127.0.0.1 or ::1, got '" + text + "'");
        }
        try {
            return InetAddress.getByName(t);
        } catch (UnknownHostException e) {
            throw r.invalid(path, "expected an IP address such as 127.0.0.1 or ::1, got '" + text + "'");
        }
    }

    private static LimitSettings readLimits(ConfigReader r) {
        int low = r.bytes("limits.write-buffer-low", 1024, 64L << 20);
        int high = r.bytes("limits.write-buffer-high", 1024, 64L << 20);
        if (high < low) {
            throw r.invalid("limits.write-buffer-high", "must be at least limits.write-buffer-low (" + low + " bytes)");
        }
        return new LimitSettings(
                r.bytes("limits.max-initial-line-length", 256, 1L << 20),
                r.bytes("limits.max-header-bytes", 1024, 1L << 24),
                r.bytes("limits.max-chunk-size", 1024, 16L << 20),
                r.duration("limits.connect-timeout"),
                r.duration("limits.response-timeout"),
                r.duration("limits.idle-timeout"),
                r.duration("limits.upstream-keep-alive"),
                r.intValue("limits.max-idle-upstream-per-host", 0, 100_000),
                low,
                high);
    }
}
