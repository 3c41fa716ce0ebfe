package io.egressproxy.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;

import java.util.Map;
import java.util.Set;

/**
 * Refuses keys under {@code egress-proxy} that no module reads: a misspelt {@code policy.blok} would
 * otherwise be ignored and the proxy would start with less protection than its operator wrote.
 * Sections whose keys are names (dns hosts, sandboxes) are checked one level deeper; the bridge's
 * and launcher's sections belong to other modules.
 */
final class UnknownKeys {
    private static final Set<String> SANDBOX_KEYS = Set.of("token", "token-file", "sources", "allow", "block", "bypass",
            "rules", "credentials", "default");
    private static final Set<String> OTHER_MODULES = Set.of("bridge.", "sandbox.");

    private UnknownKeys() {
    }

    static void check(Config root, Config reference, String rootKey) {
        if (!root.hasPath(rootKey)) {
            return;
        }
        Config known = reference.getConfig(rootKey);
        for (Map.Entry<String, ConfigValue> entry : root.getConfig(rootKey).entrySet()) {
            String key = entry.getKey();
            if (key.startsWith("dns.hosts.") || OTHER_MODULES.stream().anyMatch(key::startsWith)) {
                continue;
            }
            if (key.startsWith("sandboxes.")) {
                String rest = key.substring("sandboxes.".length());
                int dot = rest.indexOf('.');
                String field = dot < 0 ? "" : rest.substring(dot + 1);
                String first = field.contains(".") ? field.substring(0, field.indexOf('.')) : field;
                if (!SANDBOX_KEYS.contains(first)) {
                    throw unknown(entry, rootKey + "." + key, "a sandbox takes " + String.join(", ", new java.util.TreeSet<>(SANDBOX_KEYS)));
                }
                continue;
            }
            if (!known.hasPath(key)) {
                throw unknown(entry, rootKey + "." + key, closest(key, known));
            }
        }
    }

    private static InvalidConfigException unknown(Map.Entry<String, ConfigValue> entry, String path, String hint) {
        return new InvalidConfigException(entry.getValue().origin().description() + ": " + path
                + ": unknown key (ignoring it could leave the proxy less strict than intended); " + hint);
    }

    private static String closest(String key, Config known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Map.Entry<String, ConfigValue> e : known.entrySet()) {
            int d = distance(key, e.getKey());
            if (d < bestDistance) {
                bestDistance = d;
                best = e.getKey();
            }
        }
        return best != null && bestDistance <= Math.max(2, key.length() / 4)
                ? "did you mean egress-proxy." + best + "?" : "see reference.conf for the keys";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
