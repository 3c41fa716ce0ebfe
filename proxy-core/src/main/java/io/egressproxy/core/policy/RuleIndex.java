package io.egressproxy.core.policy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The entries of one list (allow, block or bypass) indexed so that a lookup costs O(labels of the
 * host), not O(entries): exact names in a hash map, {@code *.suffix} and {@code .suffix} entries
 * in hash maps keyed by suffix and probed once per label of the host, addresses and CIDR blocks in
 * a {@link CidrIndex} per family, {@code localhost} entries in a short list. Where several entries
 * match, the most specific is reported (exact name, then the longest suffix; the longest prefix).
 *
 * <p>Immutable after construction; safe to share between threads.
 */
final class RuleIndex {

    private final List<Entry> entries;
    private final Map<String, List<Entry>> exact = new HashMap<>();
    private final Map<String, List<Entry>> subdomains = new HashMap<>();
    private final Map<String, List<Entry>> domains = new HashMap<>();
    private final List<Entry> localhost = new ArrayList<>();
    private final CidrIndex v4;
    private final CidrIndex v6;

    RuleIndex(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        for (Entry e : this.entries) {
            switch (e.pattern().kind()) {
                case EXACT:
                    add(exact, e);
                    break;
                case SUBDOMAINS:
                    add(subdomains, e);
                    break;
                case DOMAIN:
                    add(domains, e);
                    break;
                case LOCALHOST:
                    localhost.add(e);
                    break;
                default: // ADDRESS, CIDR: in the CIDR indexes below
                    break;
            }
        }
        this.v4 = new CidrIndex(false, this.entries);
        this.v6 = new CidrIndex(true, this.entries);
    }

    List<Entry> entries() {
        return entries;
    }

    /**
     * The entry that admits a connection to {@code host:port}; any port when {@code port} is
     * negative. Names are matched by name entries and {@code localhost}; literals by address
     * entries and {@code localhost}. {@code throughEmbedded} also matches address entries against
     * any IPv4 address embedded in an IPv6 literal (for block entries, which must not be dodged by
     * spelling); otherwise only the IPv4-mapped form, which is the same destination, counts.
     */
    Entry match(Target target, int port, Set<Integer> defaults, boolean throughEmbedded) {
        if (entries.isEmpty()) {
            return null;
        }
        Host host = target.host();
        return host.isLiteral() ? matchAddress(host.literal(), port, defaults, throughEmbedded)
                : matchName(target.suffixes(), port, defaults);
    }

    /** @param suffixes the name and its parent domains, longest first (see {@link Target}) */
    private Entry matchName(String[] suffixes, int port, Set<Integer> defaults) {
        Entry e = firstAdmitting(exact.get(suffixes[0]), port, defaults);
        if (e == null) {
            e = firstAdmitting(domains.get(suffixes[0]), port, defaults);
        }
        for (int i = 1; e == null && i < suffixes.length; i++) {
            e = firstAdmitting(subdomains.get(suffixes[i]), port, defaults);
            if (e == null) {
                e = firstAdmitting(domains.get(suffixes[i]), port, defaults);
            }
        }
        if (e == null && !localhost.isEmpty() && HostPattern.isLocalhostName(suffixes[0])) {
            e = firstAdmitting(localhost, port, defaults);
        }
        return e;
    }

    Entry matchAddress(InetAddress address, int port, Set<Integer> defaults, boolean throughEmbedded) {
        if (entries.isEmpty()) {
            return null;
        }
        Entry e = find(address, port, defaults);
        Inet4Address other = throughEmbedded ? Addresses.embeddedIpv4(address) : Addresses.mappedIpv4(address);
        if (e == null && other != null) {
            e = find(other, port, defaults);
        }
        boolean loopback = throughEmbedded ? AddressClass.of(address) == AddressClass.LOOPBACK
                : Addresses.isLoopback(address);
        if (e == null && loopback) {
            e = firstAdmitting(localhost, port, defaults);
        }
        return e;
    }

    /** Every entry of this list that might cover {@code pattern}; callers confirm with {@link HostPattern#covers}. */
    List<Entry> candidatesCovering(HostPattern pattern) {
        List<Entry> out = new ArrayList<>();
        if (pattern.cidr() != null) {
            out.addAll((pattern.cidr().v6() ? v6 : v4).containing(pattern.cidr()));
            out.addAll(localhost);
        } else if (pattern.domain() == null) {
            out.addAll(localhost);
        } else {
            String name = pattern.domain();
            addAll(out, exact.get(name), subdomains.get(name), domains.get(name));
            for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
                String suffix = name.substring(dot + 1);
                addAll(out, subdomains.get(suffix), domains.get(suffix));
            }
        }
        return out;
    }

    /** First entry of {@code candidates} whose port rule admits {@code port} (any entry if port < 0). */
    static Entry firstAdmitting(List<Entry> candidates, int port, Set<Integer> defaults) {
        if (candidates == null) {
            return null;
        }
        for (Entry e : candidates) {
            if (port < 0 || e.pattern().port().admits(port, defaults)) {
                return e;
            }
        }
        return null;
    }

    private Entry find(InetAddress address, int port, Set<Integer> defaults) {
        byte[] b = address.getAddress();
        return (b.length == 16 ? v6 : v4).find(Cidr.hiOf(b), Cidr.loOf(b), port, defaults);
    }

    @SafeVarargs
    private static void addAll(List<Entry> out, List<Entry>... lists) {
        for (List<Entry> list : lists) {
            if (list != null) {
                out.addAll(list);
            }
        }
    }

    private static void add(Map<String, List<Entry>> map, Entry e) {
        map.computeIfAbsent(e.pattern().domain(), k -> new ArrayList<>(1)).add(e);
    }
}
