package io.egressproxy.core.policy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Who may be reached, built once from allow, block and bypass lists; default deny.
 *
 * <p>Two checks, both needed for every connection:
 * <ol>
 *   <li>{@link #decide}: on the host as the client named it. Block entries win over allow and
 *       bypass entries; then allow (bypass entries allow too); otherwise the default denial, whose
 *       reason names {@code host:port} and the {@code --allow-host} that would allow it. Name
 *       entries match names, address and CIDR entries match IP literals, {@code localhost} matches
 *       both.
 *   <li>{@link #checkAddress}: on every address the name resolved to (and on a literal itself),
 *       before connecting. Block address entries apply; then the private-address guard refuses
 *       every non-{@link AddressClass#PUBLIC public} address unless the address itself is allowed
 *       by an address or CIDR entry, or is loopback and a {@code localhost} entry allows it. A
 *       name never opens a private address: its DNS is not ours.
 * </ol>
 *
 * <p>Ports: an entry without a port admits the {@linkplain Builder#defaultPorts default ports},
 * or any port when there are none; {@code :*} always admits any port. A port-less block entry
 * blocks every port.
 *
 * <p>Cost: a decision is O(labels of the host) for names and O(distinct prefix lengths) for
 * addresses, whatever the number of entries: entries are indexed by name, suffix and prefix length.
 *
 * <p>Immutable and thread-safe: share one instance between all event loops; to change the policy,
 * build a new one and swap the reference.
 */
public final class Policy {

    private static final String ALLOW = "egress-proxy.policy.allow";
    private static final String BLOCK = "egress-proxy.policy.block";
    private static final String BYPASS = "egress-proxy.policy.bypass";
    /** Block entries ignore the default ports: a port-less block entry blocks every port. */
    private static final Set<Integer> ANY_PORT = Set.of();

    private final RuleIndex allow;
    private final RuleIndex block;
    private final RuleIndex bypass;
    private final Set<Integer> defaultPorts;
    private final String allowList;
    private final List<String> warnings;

    private Policy(RuleIndex allow, RuleIndex block, RuleIndex bypass, Set<Integer> defaultPorts, String allowList) {
        this.allow = allow;
        this.block = block;
        this.bypass = bypass;
        this.defaultPorts = defaultPorts;
        this.allowList = allowList;
        this.warnings = PolicyWarnings.of(allow, block, bypass, defaultPorts);
    }

    /** A builder for a policy; not thread-safe, use it from one thread and then throw it away. */
    public static Builder builder() {
        return new Builder();
    }

    /** A policy with no entries: every host is denied with the default reason. */
    public static Policy denyAll() {
        return builder().build();
    }

    /** Name-level decision for a connection to {@code host:port}, before resolving. */
    public Decision decide(Host host, int port) {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            return Decision.deny(Reasons.badPort(host, port));
        }
        Target target = Target.of(host);
        Entry blocked = block.match(target, port, ANY_PORT, true);
        if (blocked != null) {
            return Decision.deny(blocked.text(), Reasons.blocked(host, port, blocked));
        }
        Entry bypassed = bypass.match(target, port, defaultPorts, false);
        Entry allowed = bypassed != null ? bypassed : allow.match(target, port, defaultPorts, false);
        if (allowed != null) {
            boolean viaBypass = bypassed != null;
            return Decision.allow(allowed.text(), () -> Reasons.allowed(host, port, allowed, viaBypass));
        }
        // Any port: if the host is listed for other ports, the reason says the port is what is missing.
        Entry nearMiss = allow.match(target, -1, defaultPorts, false);
        if (nearMiss == null) {
            nearMiss = bypass.match(target, -1, defaultPorts, false);
        }
        return Decision.deny(Reasons.notAllowed(host, port, nearMiss, defaultPorts, allowList));
    }

    /**
     * Address-level decision for one address {@code host} resolved to (or for the literal
     * itself), to be made for every address before connecting to it; only call it for a host that
     * {@link #decide} allowed.
     */
    public Decision checkAddress(Host host, int port, InetAddress resolved) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(resolved, "resolved");
        if (port < 1 || port > 65535) {
            return Decision.deny(Reasons.badPort(host, port));
        }
        Entry blocked = block.matchAddress(resolved, port, ANY_PORT, true);
        if (blocked != null) {
            return Decision.deny(blocked.text(), Reasons.addressBlocked(host, resolved, blocked));
        }
        AddressClass kind = AddressClass.of(resolved);
        if (kind.isPublic()) {
            return Decision.allow(null, () -> Reasons.publicAddress(host, resolved));
        }
        Entry allowed = bypass.matchAddress(resolved, port, defaultPorts, false);
        if (allowed == null) {
            allowed = allow.matchAddress(resolved, port, defaultPorts, false);
        }
        if (allowed != null) {
            Entry deciding = allowed;
            return Decision.allow(deciding.text(), () -> Reasons.addressAllowed(host, resolved, deciding));
        }
        return Decision.deny(Reasons.guard(host, port, resolved, kind));
    }

    /** True when a bypass entry allows {@code host:port} (and no block entry refuses it): tunnel, never intercept. */
    public boolean isBypassed(Host host, int port) {
        Target target = Target.of(host);
        return block.match(target, port, ANY_PORT, true) == null
                && bypass.match(target, port, defaultPorts, false) != null;
    }

    /**
     * True for the names {@code localhost} and {@code host.docker.internal} and for loopback
     * literals (127.0.0.0/8, {@code ::1}, {@code ::ffff:127.0.0.0/104}): hosts that mean this
     * machine, which the proxy must dial on loopback. Independent of the entries.
     */
    public boolean isLocalhost(Host host) {
        return HostPattern.isLocalhost(host);
    }

    /** Entries that do nothing or are overridden (repeats, shadowed, blocked); empty when none. */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * Collects the lists of a {@link Policy}. Entries are parsed by {@link #build}, which reports
     * the first bad one with its list name and index. Calling {@code allow} (or {@code block},
     * {@code bypass}) several times appends, e.g. a global list and then a sandbox's own list.
     *
     * <p>Not thread-safe; use from one thread.
     */
    public static final class Builder {

        private final List<Source> allow = new ArrayList<>();
        private final List<Source> block = new ArrayList<>();
        private final List<Source> bypass = new ArrayList<>();
        private Set<Integer> defaultPorts = Set.of();
        private String allowList = ALLOW;

        private Builder() {}

        /** Adds allow entries, reported as {@code egress-proxy.policy.allow[i]}. */
        public Builder allow(Collection<String> entries) {
            return allow(ALLOW, entries);
        }

        /**
         * Adds allow entries, reported as {@code listName[i]}; the last allow list named is the one
         * a default denial suggests adding to.
         */
        public Builder allow(String listName, Collection<String> entries) {
            allow.add(new Source(listName, entries));
            allowList = listName;
            return this;
        }

        /** Adds block entries, reported as {@code egress-proxy.policy.block[i]}. */
        public Builder block(Collection<String> entries) {
            return block(BLOCK, entries);
        }

        /** Adds block entries, reported as {@code listName[i]}. */
        public Builder block(String listName, Collection<String> entries) {
            block.add(new Source(listName, entries));
            return this;
        }

        /** Adds bypass entries (allowed, never intercepted), reported as {@code egress-proxy.policy.bypass[i]}. */
        public Builder bypass(Collection<String> entries) {
            return bypass(BYPASS, entries);
        }

        /** Adds bypass entries, reported as {@code listName[i]}. */
        public Builder bypass(String listName, Collection<String> entries) {
            bypass.add(new Source(listName, entries));
            return this;
        }

        /** Ports that allow and bypass entries without a port admit; empty (the default) means any port. */
        public Builder defaultPorts(Set<Integer> ports) {
            this.defaultPorts = Set.copyOf(ports);
            return this;
        }

        /** @throws InvalidPatternException naming the list and index of the first bad entry */
        public Policy build() {
            for (int port : defaultPorts) {
                if (port < 1 || port > 65535) {
                    throw new InvalidPatternException("default ports: " + port + " is outside 1..65535; use ports such "
                            + "as 80 and 443, or none for any port");
                }
            }
            return new Policy(index(allow), index(block), index(bypass), defaultPorts, allowList);
        }

        private static RuleIndex index(List<Source> sources) {
            List<Entry> entries = new ArrayList<>();
            for (Source source : sources) {
                int i = 0;
                for (String text : source.entries) {
                    String where = source.name + "[" + i++ + "]";
                    try {
                        entries.add(new Entry(HostPattern.parse(text), where, entries.size()));
                    } catch (InvalidPatternException e) {
                        throw new InvalidPatternException(where + ": " + e.getMessage(), e);
                    }
                }
            }
            return new RuleIndex(entries);
        }

        private record Source(String name, Collection<String> entries) {
            Source {
                Objects.requireNonNull(name, "listName");
                entries = new ArrayList<>(Objects.requireNonNull(entries, "entries"));
            }
        }
    }
}
