package io.egressproxy.cli.sandbox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks a free subnet for a new sandbox network from a configured IPv4 pool (e.g. {@code 10.213.0.0/16}
 * cut into {@code /24}s), skipping every subnet that overlaps one already in use (Docker's networks,
 * the host's routes and addresses). Pure and immutable.
 */
public final class SubnetPool {
    /** Where a person sets the pool, for messages. */
    static final String SETTING = "--subnet-pool (or EGRESS_PROXY_SANDBOX_SUBNET_POOL)";
    /** The largest pool: wider ones would hand out addresses such as 0.0.0.0/24, never meant for a network. */
    static final int WIDEST_POOL = 8;
    /**
     * Ranges no sandbox network may come from, whatever the host's routes say: the bridge would take
     * loopback or a never-routed address as its gateway, and the proxy would listen there.
     */
    private static final Map<String, String> NOT_FOR_NETWORKS = new LinkedHashMap<>();

    static {
        NOT_FOR_NETWORKS.put("0.0.0.0/8", "'this network'");
        NOT_FOR_NETWORKS.put("127.0.0.0/8", "loopback");
        NOT_FOR_NETWORKS.put("169.254.0.0/16", "link-local");
        NOT_FOR_NETWORKS.put("224.0.0.0/3", "multicast and reserved");
    }

    private final long base;
    private final int poolPrefix;
    private final int prefix;

    /**
     * @param poolCidr the pool, e.g. {@code 10.213.0.0/16}, from {@link #SETTING}
     * @param prefix   the size of each sandbox network (the launcher uses /24)
     */
    public SubnetPool(String poolCidr, int prefix) {
        if (prefix < WIDEST_POOL || prefix > 29) {
            throw new IllegalArgumentException("sandbox networks of /" + prefix + " are not supported; use /" + WIDEST_POOL + " to /29");
        }
        long[] range = parse(poolCidr);
        if (range == null) {
            throw new IllegalArgumentException(SETTING + " '" + poolCidr + "' is not an IPv4 CIDR (four numbers 0-255,"
                    + " '/', a prefix 0-32); write e.g. 10.213.0.0/16");
        }
        if (range[1] < WIDEST_POOL || range[1] > prefix) {
            throw new IllegalArgumentException(SETTING + " " + poolCidr + (range[1] > prefix
                    ? " is smaller than one /" + prefix + " sandbox network" : " is wider than any private range")
                    + "; use a pool with a prefix from /" + WIDEST_POOL + " to /" + prefix + ", e.g. 10.213.0.0/16");
        }
        NOT_FOR_NETWORKS.forEach((cidr, what) -> {
            if (overlaps(range, parse(cidr))) {
                throw new IllegalArgumentException(SETTING + " " + poolCidr + " overlaps the " + what + " range " + cidr
                        + ", which cannot carry a sandbox network; use a private range this host does not use, e.g. 10.213.0.0/16");
            }
        });
        this.base = range[0];
        this.poolPrefix = (int) range[1];
        this.prefix = prefix;
    }

    /** The first subnet of the pool that overlaps none of {@code used} (CIDRs; IPv6 and junk are ignored). */
    public Subnet next(List<String> used) {
        List<long[]> taken = new ArrayList<>();
        for (String cidr : used) {
            long[] r = parse(cidr.strip());
            if (r != null) {
                taken.add(r);
            }
        }
        long count = 1L << (prefix - poolPrefix);
        for (long i = 0; i < count; i++) {
            long[] candidate = {base + i * size(prefix), prefix};
            if (taken.stream().noneMatch(t -> overlaps(t, candidate))) {
                return new Subnet(format(candidate[0]) + "/" + prefix, format(candidate[0] + 1));
            }
        }
        throw new IllegalStateException("every /" + prefix + " in the sandbox subnet pool " + format(base) + "/" + poolPrefix
                + " is in use by a Docker network or this host's routes and addresses (" + inPool(taken)
                + "); remove unused networks (docker network prune) or give a larger pool, or one this host does not use, with "
                + SETTING + ", e.g. 10.213.0.0/16");
    }

    /** The used subnets that overlap the pool, for the message: the first few, so a person sees what is in the way. */
    private String inPool(List<long[]> taken) {
        long[] pool = {base, poolPrefix};
        List<String> overlapping = taken.stream().filter(t -> overlaps(t, pool))
                .sorted(Comparator.<long[]>comparingLong(t -> t[0]).thenComparingLong(t -> t[1]))
                .map(t -> format(t[0]) + "/" + t[1]).distinct().toList();
        int shown = 5;
        return overlapping.size() <= shown ? String.join(", ", overlapping)
                : String.join(", ", overlapping.subList(0, shown)) + " and " + (overlapping.size() - shown) + " more";
    }

    /** Do two {address, prefix} ranges share an address? */
    private static boolean overlaps(long[] a, long[] b) {
        return a[0] <= b[0] + size((int) b[1]) - 1 && b[0] <= a[0] + size((int) a[1]) - 1;
    }

    private static long size(int prefix) {
        return 1L << (32 - prefix);
    }

    /** {address, prefix}, the address masked to the prefix; null when {@code cidr} is not an IPv4 CIDR (IPv6, junk). */
    private static long[] parse(String cidr) {
        String[] parts = cidr == null ? new String[0] : cidr.split("/", -1);
        if (parts.length != 2 || !parts[1].matches("\\d{1,2}") || Integer.parseInt(parts[1]) > 32) {
            return null;
        }
        String[] octets = parts[0].split("\\.", -1);
        if (octets.length != 4) {
            return null;
        }
        long address = 0;
        for (String octet : octets) {
            if (!octet.matches("\\d{1,3}") || Integer.parseInt(octet) > 255) {
                return null;
            }
            address = address << 8 | Integer.parseInt(octet);
        }
        int prefix = Integer.parseInt(parts[1]);
        long mask = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
        return new long[]{address & mask, prefix};
    }

    private static String format(long address) {
        return (address >> 24 & 255) + "." + (address >> 16 & 255) + "." + (address >> 8 & 255) + "." + (address & 255);
    }
}
