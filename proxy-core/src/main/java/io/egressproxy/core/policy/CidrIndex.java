package io.egressproxy.core.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Address and CIDR entries of one family, bucketed by prefix length: a lookup masks the address
 * once per distinct prefix length and does one hash lookup each, so its cost depends on how many
 * different lengths are in use (at most 33 or 129), not on how many entries there are. Longer
 * prefixes are tried first, so the most specific entry is reported.
 *
 * <p>Immutable after construction; safe to share between threads.
 */
final class CidrIndex {

    private final boolean v6;
    private final int[] prefixes;
    private final List<Map<Key, List<Entry>>> buckets;

    /** @param entries ADDRESS and CIDR entries; only those of the given family are kept */
    CidrIndex(boolean v6, List<Entry> entries) {
        this.v6 = v6;
        TreeMap<Integer, Map<Key, List<Entry>>> byPrefix = new TreeMap<>((a, b) -> Integer.compare(b, a));
        for (Entry e : entries) {
            Cidr c = e.pattern().cidr();
            if (c != null && c.v6() == v6) {
                byPrefix.computeIfAbsent(c.prefix(), p -> new HashMap<>())
                        .computeIfAbsent(new Key(c.hi(), c.lo()), k -> new ArrayList<>(1))
                        .add(e);
            }
        }
        this.prefixes = byPrefix.keySet().stream().mapToInt(Integer::intValue).toArray();
        this.buckets = List.copyOf(byPrefix.values());
    }

    /**
     * The most specific entry containing the address given as words whose port rule admits
     * {@code port}; any port when {@code port} is negative. Null when none.
     */
    Entry find(long hi, long lo, int port, Set<Integer> defaults) {
        for (int i = 0; i < prefixes.length; i++) {
            List<Entry> hits = buckets.get(i).get(masked(hi, lo, prefixes[i]));
            Entry e = RuleIndex.firstAdmitting(hits, port, defaults);
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    /** Every entry whose block contains {@code cidr} (including entries for the same block). */
    List<Entry> containing(Cidr cidr) {
        List<Entry> out = new ArrayList<>();
        if (cidr.v6() != v6) {
            return out;
        }
        for (int i = 0; i < prefixes.length; i++) {
            if (prefixes[i] <= cidr.prefix()) {
                List<Entry> hits = buckets.get(i).get(masked(cidr.hi(), cidr.lo(), prefixes[i]));
                if (hits != null) {
                    out.addAll(hits);
                }
            }
        }
        return out;
    }

    private Key masked(long hi, long lo, int prefix) {
        return new Key(hi & Cidr.maskHi(v6, prefix), lo & Cidr.maskLo(v6, prefix));
    }

    private record Key(long hi, long lo) {}
}
