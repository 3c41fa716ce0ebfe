package io.egressproxy.cli.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks a free subnet for a new sandbox network from a configured IPv4 pool (e.g. {@code 10.213.0.0/16}
 * cut into {@code /24}s), skipping every subnet that overlaps one an existing network uses. Pure and
 * immutable.
 */
public final class SubnetPool {
    /** Where a person sets the pool, for messages. */
    static final String SETTING = "--subnet-pool (or EGRESS_PROXY_SANDBOX_SUBNET_POOL)";
    /** The largest pool: wider ones would hand out addresses such as 0.0.0.0/24, never meant for a network. */
    static final int WIDEST_POOL = 8;

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
                taken.add(new long[]{r[0], r[0] + size((int) r[1]) - 1});
            }
        }
        long count = 1L << (prefix - poolPrefix);
        for (long i = 0; i < count; i++) {
            long start = base + i * size(prefix);
            long end = start + size(prefix) - 1;
            if (taken.stream().noneMatch(t -> t[0] <= end && start <= t[1])) {
                return new Subnet(format(start) + "/" + prefix, format(start + 1));
            }
        }
        throw new IllegalStateException("every /" + prefix + " in the sandbox subnet pool " + format(base) + "/" + poolPrefix
                + " is in use; remove unused networks (docker network prune) or give a larger pool with " + SETTING
                + ", e.g. 10.213.0.0/16");
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
