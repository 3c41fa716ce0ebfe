package io.egressproxy.cli.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Pure functions for the IPv4 subnets this host already uses outside Docker (its interfaces, LAN and
 * VPN routes, another dockerd's bridges): the {@code ip} argv that lists them, and the CIDRs out of
 * its output. A sandbox network on one of them would shadow it silently, or take the address of the
 * host's own gateway.
 */
final class HostSubnets {
    /** Route types {@code ip route} prints before the destination (table local has local and broadcast lines). */
    private static final Set<String> ROUTE_TYPES = Set.of("unicast", "local", "broadcast", "multicast", "throw",
            "unreachable", "prohibit", "blackhole", "nat", "anycast");
    private static final Pattern ADDRESS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?");
    /**
     * Routes wider than this are catch-alls, not networks: {@code default}, and the default in halves
     * that VPNs install (OpenVPN's {@code 0.0.0.0/1} and {@code 128.0.0.0/1}). Counting them would
     * leave no pool usable, and the sandbox's own /24 route is more specific anyway.
     */
    private static final int WIDEST_NETWORK = SubnetPool.WIDEST_POOL;

    private HostSubnets() {
    }

    /** Every IPv4 route of every table (main, local, policy-routing tables of VPNs), one per line. */
    static List<String> routes() {
        return List.of("ip", "-4", "-o", "route", "show", "table", "all");
    }

    /** Every IPv4 interface address with its prefix, one per line. */
    static List<String> addresses() {
        return List.of("ip", "-4", "-o", "addr", "show");
    }

    /**
     * The destinations out of {@link #routes()} output, as CIDRs: {@code 10.8.0.0/24 via …},
     * {@code local 192.0.2.2 dev eth0 table local …} (a host route, so /32). Default and other
     * catch-all routes, IPv6 and lines that are not routes are left out.
     */
    static List<String> fromRoutes(String output) {
        List<String> subnets = new ArrayList<>();
        for (String line : LaunchContext.lines(output)) {
            String[] words = line.split("\\s+");
            String destination = ROUTE_TYPES.contains(words[0]) && words.length > 1 ? words[1] : words[0];
            String cidr = cidr(destination);
            if (cidr != null && prefix(cidr) >= WIDEST_NETWORK) {
                subnets.add(cidr);
            }
        }
        return subnets;
    }

    /**
     * The subnets out of {@link #addresses()} output: {@code inet 192.0.2.2/24} gives 192.0.2.2/24 (the
     * pool masks it to the network), a point-to-point {@code inet 10.8.0.6 peer 10.8.0.5/32} both ends.
     */
    static List<String> fromAddresses(String output) {
        List<String> subnets = new ArrayList<>();
        for (String line : LaunchContext.lines(output)) {
            String[] words = line.split("\\s+");
            for (int i = 0; i + 1 < words.length; i++) {
                if (words[i].equals("inet") || words[i].equals("peer")) {
                    String cidr = cidr(words[i + 1]);
                    if (cidr != null) {
                        subnets.add(cidr);
                    }
                }
            }
        }
        return subnets;
    }

    /** {@code a.b.c.d/n} as is, a bare address as its /32; null for anything else ({@code default}, IPv6). */
    private static String cidr(String word) {
        if (!ADDRESS.matcher(word).matches()) {
            return null;
        }
        return word.contains("/") ? word : word + "/32";
    }

    private static int prefix(String cidr) {
        return Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
    }
}
