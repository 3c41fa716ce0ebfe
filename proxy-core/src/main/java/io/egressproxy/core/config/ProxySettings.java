package io.egressproxy.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;

import io.egressproxy.core.policy.DefaultAction;
import io.egressproxy.core.policy.HostPattern;
import io.egressproxy.core.policy.InvalidPatternException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
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
        boolean requireIdentity,
        List<SandboxSettings> sandboxes,
        List<CredentialSettings> credentials,
        TlsSettings tls,
        AdminSettings admin,
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
            // An explicit class loader: reloads run on threads (signal handlers) without a context class loader.
            Config reference = com.typesafe.config.ConfigFactory.defaultReference(ProxySettings.class.getClassLoader());
            root.checkValid(reference, ROOT);
            UnknownKeys.check(root, reference, ROOT);
        } catch (ConfigException e) {
            throw new InvalidConfigException(e.getMessage(), e);
        }
        ConfigReader r = new ConfigReader(root, ROOT);
        return new ProxySettings(
                r.hostAndPort("listen"),
                readPolicy(r),
                r.bool("require-identity"),
                readSandboxes(r),
                readCredentials(r, "credentials"),
                readTls(r),
                readAdmin(r),
                readDns(r),
                readLimits(r),
                new TransportSettings(r.bool("transport.native"), r.intValue("transport.threads", 0, 1024), r.bool("transport.splice")));
    }

    private static PolicySettings readPolicy(ConfigReader r) {
        Set<Integer> ports = new LinkedHashSet<>();
        for (int port : r.ints("policy.default-ports")) {
            if (port < 1 || port > 65535) {
                throw r.invalid("policy.default-ports", "expected ports from 1 to 65535, got " + port);
            }
            ports.add(port);
        }
        DefaultAction defaultAction = defaultAction(r, "policy.default");
        boolean report = switch (r.string("policy.mode")) {
            case "enforce" -> false;
            case "report" -> true;
            default -> throw r.invalid("policy.mode", "expected enforce or report");
        };
        return new PolicySettings(patterns(r, "policy.allow"), patterns(r, "policy.block"), patterns(r, "policy.bypass"),
                ports, defaultAction, report, readRules(r, "policy.rules"), r.duration("policy.ask-timeout"));
    }

    private static DefaultAction defaultAction(ConfigReader r, String path) {
        return switch (r.string(path)) {
            case "deny" -> DefaultAction.DENY;
            case "allow" -> DefaultAction.ALLOW;
            case "ask" -> DefaultAction.ASK;
            default -> throw r.invalid(path, "expected deny, allow or ask");
        };
    }

    private static AdminSettings readAdmin(ConfigReader r) {
        String listen = r.string("admin.listen").trim();
        HostAndPort tcp = null;
        Path unix = null;
        if (listen.startsWith("unix:")) {
            unix = Path.of(listen.substring("unix:".length()));
        } else if (!listen.isEmpty()) {
            tcp = r.hostAndPort("admin.listen");
        }
        String state = r.string("admin.state-file");
        return new AdminSettings(tcp, unix, Path.of(r.string("admin.token-file")), state.isEmpty() ? null : Path.of(state),
                r.intValue("admin.recent-decisions", 0, 100_000));
    }

    /** The same settings with another policy and sandboxes (live changes). */
    public ProxySettings withPolicy(PolicySettings newPolicy, List<SandboxSettings> newSandboxes) {
        return new ProxySettings(listen, newPolicy, requireIdentity, newSandboxes, credentials, tls, admin, dns, limits, transport);
    }

    /** The same settings with the state file named (when it defaults to one next to the config file). */
    public ProxySettings withStateFile(Path stateFile) {
        return new ProxySettings(listen, policy, requireIdentity, sandboxes, credentials, tls,
                new AdminSettings(admin.listen(), admin.unixSocket(), admin.tokenFile(), stateFile, admin.recentDecisions()),
                dns, limits, transport);
    }

    private static List<RequestRuleSettings> readRules(ConfigReader r, String path) {
        List<RequestRuleSettings> rules = new ArrayList<>();
        for (ConfigReader item : r.objects(path)) {
            item.onlyKeys(java.util.Set.of("host", "methods", "paths"));
            String host = item.string("host");
            try {
                HostPattern.parse(host);
            } catch (InvalidPatternException e) {
                throw item.invalid("host", e.getMessage());
            }
            List<String> methods = item.has("methods") ? item.strings("methods") : List.of();
            List<String> paths = item.has("paths") ? item.strings("paths") : List.of();
            for (String p : paths) {
                if (!p.startsWith("/")) {
                    throw item.invalid("paths", "path pattern '" + p + "' must start with '/', e.g. '/v1/*'");
                }
            }
            rules.add(new RequestRuleSettings(host, methods, paths));
        }
        return rules;
    }

    private static List<CredentialSettings> readCredentials(ConfigReader r, String path) {
        List<CredentialSettings> rules = new ArrayList<>();
        int index = 0;
        for (ConfigReader item : r.objects(path)) {
            item.onlyKeys(java.util.Set.of("name", "hosts", "header", "value", "headers", "secret", "env", "value-file",
                    "placeholder", "placeholder-env", "allow-plain-http"));
            String name = item.has("name") ? item.string("name") : "credentials[" + index + "]";
            List<String> hosts = item.strings("hosts");
            if (hosts.isEmpty()) {
                throw item.invalid("hosts", "a credential rule needs at least one host pattern");
            }
            for (int i = 0; i < hosts.size(); i++) {
                try {
                    HostPattern.parse(hosts.get(i));
                } catch (InvalidPatternException e) {
                    throw item.invalid("hosts", "entry " + i + ": " + e.getMessage());
                }
            }
            Map<String, String> headers = new LinkedHashMap<>();
            if (item.has("headers")) {
                for (String header : item.keys("headers")) {
                    headers.put(header, item.string("headers.\"" + header + "\""));
                }
            }
            if (item.has("header")) {
                headers.put(item.string("header"), item.has("value") ? item.string("value") : "{secret}");
            }
            if (headers.isEmpty()) {
                throw item.invalid("header", "a credential rule needs header (and optionally value = \"Bearer {secret}\") or headers { name = template }");
            }
            for (Map.Entry<String, String> h : headers.entrySet()) {
                if (!h.getKey().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                    throw item.invalid("header", "'" + h.getKey() + "' is not a valid header name");
                }
                if (!h.getValue().contains("{secret}")) {
                    throw item.invalid("header", "the value template of header '" + h.getKey() + "' must contain {secret}, e.g. \"Bearer {secret}\"");
                }
                if (h.getValue().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                    throw item.invalid("header", "the value template of header '" + h.getKey() + "' contains a control character");
                }
            }
            SecretReader.Result secret = SecretReader.read(item, "secret", "env", "value-file");
            String placeholder = item.has("placeholder") ? item.string("placeholder") : "egress-proxy-managed";
            String placeholderEnv = item.has("placeholder-env") ? item.string("placeholder-env")
                    : item.has("env") ? item.string("env") : null;
            if (item.has("placeholder-env") && !placeholderEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw item.invalid("placeholder-env", "'" + placeholderEnv
                        + "' is not an environment variable name (letters, digits and '_', not starting with a digit)");
            }
            boolean plain = item.has("allow-plain-http") && item.bool("allow-plain-http");
            rules.add(new CredentialSettings(name, hosts, headers, secret.secret(), secret.missingReason(), placeholder,
                    placeholderEnv, plain));
            index++;
        }
        return rules;
    }

    private static TlsSettings readTls(ConfigReader r) {
        TlsSettings.InterceptMode mode = switch (r.string("tls.intercept")) {
            case "credentials" -> TlsSettings.InterceptMode.CREDENTIALS;
            case "all" -> TlsSettings.InterceptMode.ALL;
            case "none" -> TlsSettings.InterceptMode.NONE;
            default -> throw r.invalid("tls.intercept", "expected credentials, all or none");
        };
        String cert = r.string("tls.ca-cert");
        String key = r.string("tls.ca-key");
        if (cert.isEmpty() != key.isEmpty()) {
            throw r.invalid(cert.isEmpty() ? "tls.ca-cert" : "tls.ca-key", "tls.ca-cert and tls.ca-key go together: set both or neither");
        }
        List<Path> trust = new ArrayList<>();
        for (String file : r.strings("tls.upstream-trust")) {
            trust.add(Path.of(file));
        }
        return new TlsSettings(Path.of(r.string("tls.ca-dir")), cert.isEmpty() ? null : Path.of(cert),
                key.isEmpty() ? null : Path.of(key), mode, trust, r.duration("tls.leaf-validity"),
                r.intValue("tls.leaf-cache-size", 1, 1_000_000), r.duration("tls.handshake-timeout"));
    }

    private static List<SandboxSettings> readSandboxes(ConfigReader r) {
        List<SandboxSettings> sandboxes = new ArrayList<>();
        for (String name : new java.util.TreeSet<>(r.keys("sandboxes"))) {
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
                throw r.invalid("sandboxes", "sandbox name '" + name + "' must be letters, digits, '.', '_' or '-' (it is the proxy user name)");
            }
            ConfigReader s = r.sub("sandboxes." + name);
            SecretReader.Result token = SecretReader.read(s, "token", null, "token-file");
            if (token.secret() == null && (s.has("token") || s.has("token-file"))) {
                throw s.invalid(s.has("token") ? "token" : "token-file", token.missingReason());
            }
            List<String> sources = s.has("sources") ? s.strings("sources") : List.of();
            for (int i = 0; i < sources.size(); i++) {
                try {
                    HostPattern.parse(sources.get(i));
                } catch (InvalidPatternException e) {
                    throw s.invalid("sources", "entry " + i + ": " + e.getMessage());
                }
            }
            if (token.secret() == null && sources.isEmpty()) {
                throw s.invalid("token", "sandbox '" + name + "' needs a token (or token-file) or source addresses (sources) to be recognised");
            }
            sandboxes.add(new SandboxSettings(name, token.secret(), sources,
                    s.has("allow") ? patterns(s, "allow") : List.of(), s.has("block") ? patterns(s, "block") : List.of(),
                    s.has("bypass") ? patterns(s, "bypass") : List.of(), s.has("rules") ? readRules(s, "rules") : List.of(),
                    s.has("credentials") ? readCredentials(s, "credentials") : List.of(),
                    s.has("default") ? defaultAction(s, "default") : null));
        }
        return sandboxes;
    }

    /** Reads a pattern list and checks every entry now, so a mistake is reported with its file and line. */
    private static List<String> patterns(ConfigReader r, String path) {
        List<String> entries = r.strings(path);
        for (int i = 0; i < entries.size(); i++) {
            try {
                HostPattern.parse(entries.get(i));
            } catch (InvalidPatternException e) {
                throw new InvalidConfigException(r.origin(path) + r.name(path) + "[" + i + "]: " + e.getMessage(), e);
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
                high,
                r.duration("limits.drain-timeout"));
    }
}
