package io.egressproxy.core.identity;

import io.egressproxy.core.config.CredentialSettings;
import io.egressproxy.core.config.InvalidConfigException;
import io.egressproxy.core.inject.CredentialRule;
import io.egressproxy.core.inject.CredentialRules;
import io.egressproxy.core.config.PolicySettings;
import io.egressproxy.core.config.ProxySettings;
import io.egressproxy.core.config.RequestRuleSettings;
import io.egressproxy.core.config.SandboxSettings;
import io.egressproxy.core.inject.Secret;
import io.egressproxy.core.policy.Host;
import io.egressproxy.core.policy.HostNames;
import io.egressproxy.core.policy.HostPattern;
import io.egressproxy.core.policy.InvalidHostException;
import io.egressproxy.core.policy.InvalidPatternException;
import io.egressproxy.core.policy.Policy;
import io.egressproxy.core.policy.PolicyScope;
import io.egressproxy.core.policy.RequestRule;
import io.egressproxy.core.policy.RequestRules;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configured sandboxes and the global scope, built once per config. Identifies a client by
 * the user name and token of {@code Proxy-Authorization: Basic} (token compared in constant time)
 * or, without credentials, by its source address. Immutable, thread-safe.
 */
public final class Sandboxes {
    private record Sandbox(String name, Secret token, List<HostPattern> sources, PolicyScope scope) {
    }

    private final PolicyScope global;
    private final Map<String, Sandbox> byName;
    private final boolean requireIdentity;
    private final Identification anonymous;

    private final List<String> credentialWarnings;
    private java.time.Duration askTimeout = java.time.Duration.ofSeconds(60);

    /** How long an ask request is held (policy.ask-timeout of the config these were built from). */
    public java.time.Duration askTimeout() {
        return askTimeout;
    }

    private Sandboxes(PolicyScope global, Map<String, Sandbox> byName, boolean requireIdentity, List<String> credentialWarnings) {
        this.credentialWarnings = List.copyOf(credentialWarnings);
        this.global = global;
        this.byName = byName;
        this.requireIdentity = requireIdentity;
        // Made once: identifying the common anonymous client should not allocate per request.
        this.anonymous = requireIdentity
                ? new Identification(Identification.Kind.ANONYMOUS, null,
                        "this proxy requires a sandbox identity: use http://SANDBOX:TOKEN@<proxy address> as the proxy URL")
                : new Identification(Identification.Kind.ANONYMOUS, global, null);
    }

    /** Builds every scope from the settings; pattern mistakes become {@link InvalidConfigException}s. */
    public static Sandboxes from(ProxySettings settings) {
        PolicySettings p = settings.policy();
        try {
            RequestRules globalRules = rules(p.rules());
            Policy globalPolicy = Policy.builder()
                    .allow("egress-proxy.policy.allow", p.allow())
                    .block("egress-proxy.policy.block", p.block())
                    .bypass("egress-proxy.policy.bypass", p.bypass())
                    .defaultPorts(p.defaultPorts())
                    .build();
            CredentialRules globalCredentials = credentials(settings.credentials());
            PolicyScope global = new PolicyScope(null, globalPolicy, globalRules, p.defaultAction(), p.reportOnly(),
                    globalCredentials);
            Map<String, Sandbox> byName = new LinkedHashMap<>();
            for (SandboxSettings s : settings.sandboxes()) {
                String at = "egress-proxy.sandboxes." + s.name();
                // Block entries of both always win; then either allow list.
                Policy policy = Policy.builder()
                        .block("egress-proxy.policy.block", p.block())
                        .block(at + ".block", s.block())
                        .allow("egress-proxy.policy.allow", p.allow())
                        .allow(at + ".allow", s.allow())
                        .bypass("egress-proxy.policy.bypass", p.bypass())
                        .bypass(at + ".bypass", s.bypass())
                        .defaultPorts(p.defaultPorts())
                        .build();
                List<HostPattern> sources = new ArrayList<>();
                for (String source : s.sources()) {
                    sources.add(HostPattern.parse(source));
                }
                byName.put(s.name(), new Sandbox(s.name(), s.token(), sources,
                        new PolicyScope(s.name(), policy, rules(s.rules()).with(globalRules),
                                s.defaultAction() == null ? p.defaultAction() : s.defaultAction(), p.reportOnly(),
                                credentials(s.credentials()).with(globalCredentials))));
            }
            List<String> missing = new ArrayList<>();
            settings.credentials().stream().filter(c -> c.secret() == null).forEach(c -> missing.add(missingWarning(c, null)));
            settings.sandboxes().forEach(s -> s.credentials().stream().filter(c -> c.secret() == null)
                    .forEach(c -> missing.add(missingWarning(c, s.name()))));
            Sandboxes built = new Sandboxes(global, byName, settings.requireIdentity(), missing);
            built.askTimeout = p.askTimeout();
            return built;
        } catch (InvalidPatternException e) {
            throw new InvalidConfigException(e.getMessage(), e);
        }
    }

    private static String missingWarning(CredentialSettings c, String sandbox) {
        return (sandbox == null ? "" : "sandbox " + sandbox + ": ") + "credential rule '" + c.name() + "' has no secret ("
                + c.missingReason() + "); requests to " + c.hosts() + " are refused with 503 until it is set";
    }

    private static CredentialRules credentials(List<CredentialSettings> settings) {
        List<CredentialRule> rules = new ArrayList<>();
        for (CredentialSettings c : settings) {
            List<HostPattern> hosts = new ArrayList<>();
            for (String h : c.hosts()) {
                hosts.add(HostPattern.parse(h));
            }
            rules.add(new CredentialRule(c.name(), hosts, c.headers(), c.secret(), c.placeholder(), c.allowPlainHttp()));
        }
        return CredentialRules.of(rules);
    }

    private static RequestRules rules(List<RequestRuleSettings> settings) {
        List<RequestRule> rules = new ArrayList<>();
        for (RequestRuleSettings r : settings) {
            rules.add(new RequestRule(HostPattern.parse(r.host()), Set.copyOf(r.methods()), r.paths()));
        }
        return RequestRules.of(rules);
    }

    public PolicyScope global() {
        return global;
    }

    /** The policy warnings of every scope (duplicates, shadowed entries), for the start-up log. */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>(global.policy().warnings());
        warnings.addAll(credentialWarnings);
        for (Sandbox s : byName.values()) {
            for (String w : s.scope().policy().warnings()) {
                if (!warnings.contains(w)) {
                    warnings.add("sandbox " + s.name() + ": " + w);
                }
            }
        }
        return warnings;
    }

    public Set<String> names() {
        return byName.keySet();
    }

    /**
     * Identifies the client of one request. {@code proxyAuthorization} is the header value or null;
     * credentials that name no sandbox, or carry a wrong token, are REJECTED.
     */
    public Identification identify(InetAddress client, String proxyAuthorization) {
        if (proxyAuthorization != null && !byName.isEmpty()) {
            // With no sandboxes configured there is nothing to check credentials against; the
            // header is dropped like any other hop-by-hop header.
            return byCredentials(proxyAuthorization);
        }
        if (client != null && !byName.isEmpty()) {
            Host clientHost = hostOf(client);
            for (Sandbox s : byName.values()) {
                for (HostPattern source : s.sources()) {
                    if (clientHost != null && source.matches(clientHost, 1)) {
                        return new Identification(Identification.Kind.IDENTIFIED, s.scope(), null);
                    }
                }
            }
        }
        return anonymous;
    }

    /** A client of a sandbox's own listener: that sandbox, without credentials; rejected if it is gone. */
    public Identification identifyAs(String sandbox) {
        Sandbox s = byName.get(sandbox);
        if (s == null) {
            return new Identification(Identification.Kind.REJECTED, null,
                    "this listener belongs to sandbox '" + sandbox + "', which is no longer registered");
        }
        return new Identification(Identification.Kind.IDENTIFIED, s.scope(), null);
    }

    private Identification byCredentials(String header) {
        String[] userAndToken = basicCredentials(header);
        Sandbox sandbox = userAndToken == null ? null : byName.get(userAndToken[0]);
        // Compare against something even for an unknown user, so timing does not tell names apart.
        Secret expected = sandbox != null && sandbox.token() != null ? sandbox.token() : UNKNOWN;
        boolean tokenMatches = userAndToken != null && expected.matches(userAndToken[1]);
        if (sandbox != null && sandbox.token() != null && tokenMatches) {
            return new Identification(Identification.Kind.IDENTIFIED, sandbox.scope(), null);
        }
        return new Identification(Identification.Kind.REJECTED, null,
                "proxy credentials were not accepted; send the sandbox name and its token (http://SANDBOX:TOKEN@<proxy address>)");
    }

    private static final Secret UNKNOWN = Secret.of("unknown-sandbox-" + Long.toHexString(Double.doubleToLongBits(Math.random())));

    /** {@code [user, password]} of a Basic credential, or null when it is not one. */
    static String[] basicCredentials(String header) {
        String value = header.trim();
        if (value.length() < 6 || !value.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(value.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private static Host hostOf(InetAddress address) {
        try {
            return HostNames.parse(address.getHostAddress());
        } catch (InvalidHostException e) {
            return null;
        }
    }
}
