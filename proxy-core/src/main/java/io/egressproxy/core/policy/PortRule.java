package io.egressproxy.core.policy;

import java.util.Set;

/**
 * The port part of an entry: one port ({@code :443}), explicitly any port ({@code :*}), or none
 * written, which means the policy's default ports, or any port when the policy has none.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param value 1..65535 for one port, {@link #ANY_VALUE} for {@code :*}, {@link #DEFAULT_VALUE} for none written
 */
record PortRule(int value) {

    static final int DEFAULT_VALUE = 0;
    static final int ANY_VALUE = -1;
    static final PortRule DEFAULT = new PortRule(DEFAULT_VALUE);
    static final PortRule ANY = new PortRule(ANY_VALUE);

    /** True when a connection to {@code port} is covered, given the policy's default ports (empty = any). */
    boolean admits(int port, Set<Integer> defaults) {
        if (value == ANY_VALUE) {
            return true;
        }
        if (value == DEFAULT_VALUE) {
            return defaults.isEmpty() || defaults.contains(port);
        }
        return value == port;
    }

    /** True when every port {@code other} admits is admitted by this rule too. */
    boolean covers(PortRule other, Set<Integer> defaults) {
        if (value == ANY_VALUE || equals(other)) {
            return true;
        }
        if (value == DEFAULT_VALUE) {
            return defaults.isEmpty() || (other.value > 0 && defaults.contains(other.value));
        }
        return other.value == DEFAULT_VALUE && defaults.equals(Set.of(value));
    }

    boolean isDefault() {
        return value == DEFAULT_VALUE;
    }

    /** How the rule is written after a host: "", ":*" or ":443". */
    String suffix() {
        if (value == DEFAULT_VALUE) {
            return "";
        }
        return value == ANY_VALUE ? ":*" : ":" + value;
    }
}
