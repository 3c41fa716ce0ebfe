package io.egressproxy.cli.sandbox;

import io.egressproxy.core.config.CredentialSettings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which variables a sandbox gets set to placeholders, from the proxy's credential rules: each
 * active rule (its secret is set) that names a variable ({@code placeholder-env}, else {@code env}).
 * SDKs refuse to start without their key variable, so an active rule that names none is worth a
 * warning. Pure functions.
 */
final class CredentialPlaceholders {
    private CredentialPlaceholders() {
    }

    /** Variable → placeholder, in rule order. */
    static Map<String, String> variables(List<CredentialSettings> rules) {
        Map<String, String> out = new LinkedHashMap<>();
        for (CredentialSettings rule : rules) {
            if (rule.secret() != null && rule.placeholderEnv() != null) {
                out.put(rule.placeholderEnv(), rule.placeholder());
            }
        }
        return out;
    }

    /** One line per active rule that names no variable, saying how to name one. */
    static List<String> warnings(List<CredentialSettings> rules) {
        List<String> out = new ArrayList<>();
        for (CredentialSettings rule : rules) {
            if (rule.secret() != null && rule.placeholderEnv() == null) {
                out.add("WARNING: credential rule '" + rule.name() + "' names no variable, so sandboxes get no placeholder"
                        + " for it; add placeholder-env = \"NAME_OF_THE_KEY_VARIABLE\" to the rule");
            }
        }
        return out;
    }
}
