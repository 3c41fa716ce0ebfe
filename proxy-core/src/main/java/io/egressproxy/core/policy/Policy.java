package io.egressproxy.core.policy;
import java.net.InetAddress;
import java.util.*;
public final class Policy {
    private final Set<String> allow = new HashSet<>(), block = new HashSet<>();
    public static Builder builder() { return new Builder(); }
    public static Policy denyAll() { return builder().build(); }
    public Decision decide(Host host, int port) {
        if (block.contains(host.name()) || block.contains(host.name() + ":" + port)) return Decision.deny(host.name(), "host '" + host.name() + "' is blocked");
        if (allow.contains(host.name()) || allow.contains(host.name() + ":" + port)) return Decision.allow(host.name(), "allowed");
        return Decision.deny("host '" + host.name() + ":" + port + "' is not in the allow-list; allow it with --allow-host " + host.name() + " (or egress-proxy.policy.allow)");
    }
    public Decision checkAddress(Host host, int port, InetAddress resolved) { return Decision.allow(null, "ok"); }
    public boolean isBypassed(Host host, int port) { return false; }
    public List<String> warnings() { return List.of(); }
    public static final class Builder {
        private final Policy p = new Policy();
        public Builder allow(String listName, Collection<String> l) { p.allow.addAll(l); return this; }
        public Builder block(String listName, Collection<String> l) { p.block.addAll(l); return this; }
        public Builder bypass(String listName, Collection<String> l) { p.allow.addAll(l); return this; }
        public Builder defaultPorts(Set<Integer> ports) { return this; }
        public Policy build() { return p; }
    }
}
