package io.egressproxy.core.config;

import io.egressproxy.core.policy.DefaultAction;

import java.util.List;
import java.util.Set;

/**
 * The global policy as written in the config: allow/block/bypass lists (checked to parse, not yet
 * indexed), the ports a port-less entry covers, the default for unnamed hosts, L7 request rules,
 * and whether denials are enforced or only reported.
 */
public record PolicySettings(List<String> allow, List<String> block, List<String> bypass, Set<Integer> defaultPorts,
                             DefaultAction defaultAction, boolean reportOnly, List<RequestRuleSettings> rules,
                             java.time.Duration askTimeout) {
    public PolicySettings {
        allow = List.copyOf(allow);
        block = List.copyOf(block);
        bypass = List.copyOf(bypass);
        defaultPorts = Set.copyOf(defaultPorts);
        rules = List.copyOf(rules);
    }

    /** The same settings with other lists (live changes). */
    public PolicySettings withLists(List<String> newAllow, List<String> newBlock, List<String> newBypass) {
        return new PolicySettings(newAllow, newBlock, newBypass, defaultPorts, defaultAction, reportOnly, rules, askTimeout);
    }

    /** Only the lists, with the defaults for everything else (for builders and tests). */
    public PolicySettings(List<String> allow, List<String> block, List<String> bypass, Set<Integer> defaultPorts) {
        this(allow, block, bypass, defaultPorts, DefaultAction.DENY, false, List.of(), java.time.Duration.ofSeconds(60));
    }
}
