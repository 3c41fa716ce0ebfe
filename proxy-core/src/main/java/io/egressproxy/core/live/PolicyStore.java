package io.egressproxy.core.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.egressproxy.core.config.InvalidConfigException;
import io.egressproxy.core.config.PolicySettings;
import io.egressproxy.core.config.ProxySettings;
import io.egressproxy.core.config.SandboxSettings;
import io.egressproxy.core.identity.Sandboxes;
import io.egressproxy.core.inject.Secret;
import io.egressproxy.core.policy.DefaultAction;
import io.egressproxy.core.policy.HostPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The policy in force: the configured settings plus the live overlay. Every change is checked,
 * applied by building new {@link Sandboxes} and handing them to {@code install} (which swaps them
 * into the proxy for requests that start afterwards), and persisted to the state file unless it
 * was asked to be ephemeral. Thread-safe: changes are serialised; reads see a complete policy.
 */
public final class PolicyStore {
    private static final Logger log = LoggerFactory.getLogger(PolicyStore.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Consumer<Sandboxes> install;
    private final Path stateFile;
    private ProxySettings base;
    private PolicyOverlay overlay;
    private PolicyOverlay persisted;

    /** Loads the state file (if any) and installs the effective policy. */
    public PolicyStore(ProxySettings base, Consumer<Sandboxes> install) {
        this.base = base;
        this.install = install;
        this.stateFile = base.admin().stateFile();
        this.overlay = load(stateFile);
        this.persisted = copy(overlay);
        install.accept(Sandboxes.from(effective()));
    }

    /** The settings with the overlay applied. */
    public synchronized ProxySettings effective() {
        return effective(base, overlay);
    }

    /** A new configuration (reload): the overlay stays on top of it. Throws, changing nothing, when it is invalid. */
    public synchronized void rebase(ProxySettings newBase) {
        Sandboxes sandboxes = Sandboxes.from(effective(newBase, overlay));
        base = newBase;
        install.accept(sandboxes);
    }

    /** Adds patterns to {@code list} (allow, block or bypass) of the global scope or a sandbox. */
    public synchronized void add(String list, String sandbox, List<String> patterns, boolean persist) {
        checkPatterns(patterns);
        checkSandbox(sandbox);
        if (!List.of("allow", "block", "bypass").contains(list)) {
            throw new IllegalArgumentException("unknown list '" + list + "'; use allow, block or bypass");
        }
        mutate(o -> {
            PolicyOverlay.ScopeChanges scope = o.scope(sandbox);
            for (String pattern : patterns) {
                scope.removed.remove(pattern);
                switch (list) {
                    case "allow" -> scope.addAllow.add(pattern);
                    case "block" -> scope.addBlock.add(pattern);
                    default -> scope.addBypass.add(pattern);
                }
            }
        }, persist);
    }

    /** Removes patterns from every list of the scope (configured or added); a pattern in none of them is an error. */
    public synchronized void remove(String sandbox, List<String> patterns, boolean persist) {
        checkPatterns(patterns);
        checkSandbox(sandbox);
        ProxySettings now = effective();
        List<String> present = new ArrayList<>();
        if (sandbox == null || sandbox.isEmpty()) {
            present.addAll(now.policy().allow());
            present.addAll(now.policy().block());
            present.addAll(now.policy().bypass());
        } else {
            now.sandboxes().stream().filter(s -> s.name().equals(sandbox)).forEach(s -> {
                present.addAll(s.allow());
                present.addAll(s.block());
                present.addAll(s.bypass());
            });
        }
        for (String pattern : patterns) {
            if (!present.contains(pattern)) {
                throw new IllegalArgumentException("'" + pattern + "' is in no list of " + (sandbox == null || sandbox.isEmpty()
                        ? "the global policy" : "sandbox '" + sandbox + "' (global entries are removed without --sandbox)"));
            }
        }
        mutate(o -> {
            PolicyOverlay.ScopeChanges scope = o.scope(sandbox);
            for (String pattern : patterns) {
                scope.addAllow.remove(pattern);
                scope.addBlock.remove(pattern);
                scope.addBypass.remove(pattern);
                scope.removed.add(pattern);
            }
        }, persist);
    }

    /** Sets the default for hosts no entry names: deny, allow or ask. */
    public synchronized void setDefault(String sandbox, String policy, boolean persist) {
        checkSandbox(sandbox);
        parseDefault(policy);
        mutate(o -> o.scope(sandbox).defaultPolicy = policy.toLowerCase(Locale.ROOT), persist);
    }

    /** Registers (or updates) a sandbox that the config file does not name. */
    public synchronized void register(String name, String token, List<String> sources, boolean persist) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
            throw new IllegalArgumentException("sandbox name must be letters, digits, '.', '_' or '-' (it is the proxy user name)");
        }
        if ((token == null || token.isBlank()) && (sources == null || sources.isEmpty())) {
            throw new IllegalArgumentException("a sandbox needs a token or source addresses to be recognised");
        }
        if (token != null && !token.isBlank()) {
            Secret.of(token);
        }
        for (String source : sources == null ? List.<String>of() : sources) {
            checkSource(source);
        }
        if (base.sandboxes().stream().anyMatch(s -> s.name().equals(name))) {
            throw new IllegalArgumentException("sandbox '" + name + "' is defined in the config file; change it there");
        }
        if (overlay.sandboxes.containsKey(name)) {
            throw new IllegalArgumentException("sandbox '" + name + "' is already registered; remove it first (POST /v1/sandboxes/remove)");
        }
        PolicyOverlay.RegisteredSandbox s = new PolicyOverlay.RegisteredSandbox();
        s.name = name;
        s.token = token == null || token.isBlank() ? null : token.strip();
        s.sources = sources == null ? new ArrayList<>() : new ArrayList<>(sources);
        mutate(o -> o.sandboxes.put(name, s), persist);
    }

    /**
     * Removes a sandbox registered through the API, with its live changes. When persisting, it also
     * removes what the state file keeps for the name, even when the name is not registered now: an
     * ephemeral registration is gone after a restart but its persisted policy changes are not, and
     * they must not pass to the next sandbox that registers the name.
     *
     * @return false when there was nothing to remove (a sandbox from the config file cannot be removed here)
     */
    public synchronized boolean unregister(String name, boolean persist) {
        if (!overlay.sandboxes.containsKey(name)) {
            if (base.sandboxes().stream().anyMatch(s -> s.name().equals(name))) {
                throw new IllegalArgumentException("sandbox '" + name + "' is defined in the config file; remove it there");
            }
            boolean saved = persisted.sandboxes.containsKey(name)
                    || (!name.isEmpty() && persisted.scopes.containsKey(name)); // scope "" is the global policy
            if (!persist || !saved) {
                return false;
            }
        }
        mutate(o -> {
            o.sandboxes.remove(name);
            o.scopes.remove(name);
        }, persist);
        return true;
    }

    /** Sandbox names in force. */
    public synchronized List<String> sandboxNames() {
        List<String> names = new ArrayList<>();
        effective().sandboxes().forEach(s -> names.add(s.name()));
        return names;
    }

    /** A JSON-ready view of the effective policy: lists and default per scope (never tokens). */
    public synchronized Map<String, Object> describe() {
        ProxySettings e = effective();
        Map<String, Object> view = new LinkedHashMap<>();
        PolicySettings p = e.policy();
        view.put("global", scopeView(p.allow(), p.block(), p.bypass(), p.defaultAction(), p.reportOnly()));
        Map<String, Object> sandboxes = new LinkedHashMap<>();
        for (SandboxSettings s : e.sandboxes()) {
            Map<String, Object> v = scopeView(s.allow(), s.block(), s.bypass(),
                    s.defaultAction() == null ? p.defaultAction() : s.defaultAction(), p.reportOnly());
            v.put("identified-by", s.token() != null ? (s.sources().isEmpty() ? "token" : "token, sources") : "sources");
            v.put("sources", s.sources());
            sandboxes.put(s.name(), v);
        }
        view.put("sandboxes", sandboxes);
        return view;
    }

    private static Map<String, Object> scopeView(List<String> allow, List<String> block, List<String> bypass,
                                                 DefaultAction defaultAction, boolean report) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("allow", allow);
        v.put("block", block);
        v.put("bypass", bypass);
        v.put("default", defaultAction.name().toLowerCase(Locale.ROOT));
        v.put("mode", report ? "report" : "enforce");
        return v;
    }

    /**
     * Applies {@code change} to the live overlay (checked by building the policies first, so a bad
     * change alters nothing) and, when persisting, to the persisted overlay too: an earlier
     * ephemeral change never reaches the state file through a later persisted one.
     */
    private void mutate(java.util.function.Consumer<PolicyOverlay> change, boolean persist) {
        PolicyOverlay next = copy(overlay);
        change.accept(next);
        Sandboxes sandboxes = Sandboxes.from(effective(base, next)); // throws before anything changes
        overlay = next;
        install.accept(sandboxes);
        if (persist) {
            PolicyOverlay saved = copy(persisted);
            change.accept(saved);
            persisted = saved;
            save();
        }
    }

    private static void checkSource(String source) {
        String address = source == null ? "" : source.contains("/") ? source.substring(0, source.indexOf('/')) : source;
        boolean literal;
        try {
            literal = io.egressproxy.core.policy.HostNames.parse(address).isLiteral();
        } catch (io.egressproxy.core.policy.InvalidHostException e) {
            literal = false;
        }
        if (!literal) {
            throw new IllegalArgumentException("source '" + source + "' must be an IP address or CIDR block, e.g. 172.30.0.0/24");
        }
        HostPattern.parse(source);
    }

    private void save() {
        if (stateFile == null) {
            return;
        }
        try {
            Files.createDirectories(stateFile.toAbsolutePath().getParent());
            Path temp = Files.createTempFile(stateFile.toAbsolutePath().getParent(), ".state", ".tmp");
            if (java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------")); // it holds tokens
            }
            JSON.writeValue(temp.toFile(), persisted);
            try {
                Files.move(temp, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, stateFile, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            log.error("live policy change applied but not saved to {}: {}; it will be lost at restart", stateFile, e.toString());
        }
    }

    private static PolicyOverlay load(Path stateFile) {
        if (stateFile == null || !Files.exists(stateFile)) {
            return new PolicyOverlay();
        }
        try {
            return JSON.readValue(stateFile.toFile(), PolicyOverlay.class);
        } catch (IOException e) {
            throw new InvalidConfigException("state file " + stateFile + " (live policy changes) cannot be read: "
                    + e.getMessage().lines().findFirst().orElse("") + "; fix or remove it");
        }
    }

    private static PolicyOverlay copy(PolicyOverlay overlay) {
        return JSON.convertValue(overlay, PolicyOverlay.class);
    }

    private void checkSandbox(String sandbox) {
        if (sandbox != null && !sandbox.isEmpty() && effective().sandboxes().stream().noneMatch(s -> s.name().equals(sandbox))) {
            throw new IllegalArgumentException("no sandbox named '" + sandbox + "'; register it first (POST /v1/sandboxes)");
        }
    }

    private static void checkPatterns(List<String> patterns) {
        if (patterns == null || patterns.isEmpty()) {
            throw new IllegalArgumentException("no patterns given");
        }
        for (String pattern : patterns) {
            HostPattern.parse(pattern); // InvalidPatternException says what is wrong and what to write
        }
    }

    private static DefaultAction parseDefault(String policy) {
        return switch (policy == null ? "" : policy.toLowerCase(Locale.ROOT)) {
            case "deny" -> DefaultAction.DENY;
            case "allow" -> DefaultAction.ALLOW;
            case "ask" -> DefaultAction.ASK;
            default -> throw new IllegalArgumentException("policy must be allow, deny or ask");
        };
    }

    private static ProxySettings effective(ProxySettings base, PolicyOverlay overlay) {
        PolicySettings p = base.policy();
        PolicyOverlay.ScopeChanges g = overlay.scopes.getOrDefault("", new PolicyOverlay.ScopeChanges());
        PolicySettings global = new PolicySettings(
                PolicyOverlay.apply(p.allow(), g.addAllow, g.removed),
                PolicyOverlay.apply(p.block(), g.addBlock, g.removed),
                PolicyOverlay.apply(p.bypass(), g.addBypass, g.removed),
                p.defaultPorts(), g.defaultPolicy == null ? p.defaultAction() : parseDefault(g.defaultPolicy),
                p.reportOnly(), p.rules(), p.askTimeout());
        List<SandboxSettings> sandboxes = new ArrayList<>();
        List<String> configured = new ArrayList<>();
        for (SandboxSettings s : base.sandboxes()) {
            configured.add(s.name());
            sandboxes.add(withChanges(s, overlay.scopes.get(s.name())));
        }
        for (PolicyOverlay.RegisteredSandbox r : overlay.sandboxes.values()) {
            if (configured.contains(r.name)) {
                continue; // the config file's definition wins; its lists still take the overlay
            }
            SandboxSettings s = new SandboxSettings(r.name, r.token == null ? null : Secret.of(r.token), r.sources,
                    List.of(), List.of(), List.of(), List.of(), List.of(), null);
            sandboxes.add(withChanges(s, overlay.scopes.get(r.name)));
        }
        return base.withPolicy(global, sandboxes);
    }

    private static SandboxSettings withChanges(SandboxSettings s, PolicyOverlay.ScopeChanges c) {
        if (c == null) {
            return s;
        }
        return new SandboxSettings(s.name(), s.token(), s.sources(),
                PolicyOverlay.apply(s.allow(), c.addAllow, c.removed),
                PolicyOverlay.apply(s.block(), c.addBlock, c.removed),
                PolicyOverlay.apply(s.bypass(), c.addBypass, c.removed),
                s.rules(), s.credentials(), c.defaultPolicy == null ? s.defaultAction() : parseDefault(c.defaultPolicy));
    }
}
