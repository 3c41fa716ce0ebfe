package io.egressproxy.core.live;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The live changes laid over the configured policy, as stored in the state file (JSON). Scope ""
 * is the global policy; other keys are sandbox names. Not thread-safe: owned by {@link PolicyStore}.
 */
public final class PolicyOverlay {
    /** Changes to one scope's lists. */
    public static final class ScopeChanges {
        public Set<String> addAllow = new LinkedHashSet<>();
        public Set<String> addBlock = new LinkedHashSet<>();
        public Set<String> addBypass = new LinkedHashSet<>();
        public Set<String> removed = new LinkedHashSet<>();
        /** deny | allow | ask, or null to keep the configured default. */
        public String defaultPolicy;
    }

    /** A sandbox registered through the API (not in the config file). */
    public static final class RegisteredSandbox {
        public String name;
        public String token;
        public List<String> sources = new ArrayList<>();
    }

    public Map<String, ScopeChanges> scopes = new LinkedHashMap<>();
    public Map<String, RegisteredSandbox> sandboxes = new LinkedHashMap<>();

    ScopeChanges scope(String name) {
        return scopes.computeIfAbsent(name == null ? "" : name, k -> new ScopeChanges());
    }

    /** The configured list with this scope's removals and additions applied. */
    static List<String> apply(List<String> configured, Set<String> added, Set<String> removed) {
        LinkedHashSet<String> result = new LinkedHashSet<>(configured);
        result.removeAll(removed);
        for (String pattern : added) {
            if (!removed.contains(pattern)) {
                result.add(pattern);
            }
        }
        return new ArrayList<>(result);
    }
}
