package io.egressproxy.core.config;

import java.util.List;
import java.util.Set;

/** The global allow/block/bypass lists as written in the config, not yet parsed into patterns. */
public record PolicySettings(List<String> allow, List<String> block, List<String> bypass, Set<Integer> defaultPorts) {
    public PolicySettings {
        allow = List.copyOf(allow);
        block = List.copyOf(block);
        bypass = List.copyOf(bypass);
        defaultPorts = Set.copyOf(defaultPorts);
    }
}
