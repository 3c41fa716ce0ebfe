package io.egressproxy.cli.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks a free subnet for a new sandbox network from a configured IPv4 pool (e.g. {@code 10.213.0.0/16}
 * cut into {@code /24}s), skipping every subnet that overlaps one an existing network uses. Pure and
 * immutable.
 */
public final class SubnetPool {
    private final long base;
    private final int poolPrefix;
    private final int prefix;

    public SubnetPool(String poolCidr, int prefix) {
        long[] range = parse(poolCidr);
        this.base = range[0];
        this.poolPrefix = (int) range[1];
        if (prefix < poolPrefix || prefix > 29) {
            throw new IllegalArgumentException("subnet size /" + prefix + " does not fit the pool " + poolCidr
                    + "; use a prefix between /" + poolPrefix + " and /29");
        }
        this.prefix = prefix;
    }

    /** The first subnet of the pool that overlaps none of {@code used} (CIDRs; IPv6 and junk are ignored). */
    public Subnet next(List<String> used) {
        List<long[]> taken = new ArrayList<>();
        for (String cidr : used) {
            if (cidr.contains(".") && cidr.contains("/")) {
                long[] r = parse(cidr.strip());
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
                + " is in use; remove unused networks (docker network prune) or configure a larger egress-proxy.sandbox.subnet-pool");
    }

    private static long size(int prefix) {
        return 1L << (32 - prefix);
    }

    /** {address, prefix}, the address masked to the prefix. */
    private static long[] parse(String cidr) {
        String[] parts = cidr.split("/");
        String[] octets = parts[0].split("\\.");
        if (parts.length != 2 || octets.length != 4) {
            throw new IllegalArgumentException("'" + cidr + "' is not an IPv4 CIDR such as 10.213.0.0/16");
        }
        long address = 0;
        for (String octet : octets) {
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
