package io.egressproxy.core.policy;

import com.google.common.net.InternetDomainName;
import java.util.Arrays;

/**
 * Refuses entries that would let a sandbox reach far more than anyone meant: every host, every
 * address, or every name under a public suffix. Public suffixes come from the Public Suffix List
 * bundled with Guava and include its private section ({@code github.io}, {@code s3.amazonaws.com},
 * {@code workers.dev}): anyone can register a name there, so {@code *.github.io} is as open an
 * exfiltration channel as {@code *.com}. A single-label suffix ({@code *.internal}) is refused too.
 * A {@code *} is only accepted as the whole first label; it already matches any depth, so
 * {@code *.*.example.com} or {@code foo.*.example.com} would only suggest a precision it lacks.
 *
 * <p>Stateless; safe from any thread.
 */
final class PatternBreadth {

    private PatternBreadth() {}

    /** Checks where '*' and leading dots sit in a host part that has a wildcard or starts with '.'. */
    static void checkWildcardShape(String pattern, String host) {
        String rest = host.startsWith("*.") ? host.substring(2) : host.startsWith(".") ? host.substring(1) : host;
        if (rest.chars().allMatch(c -> c == '*' || c == '.')) {
            throw new InvalidPatternException("pattern " + Text.quote(pattern)
                    + " is too broad: it matches every host; name the hosts you need, such as 'api.example.com' or "
                    + "'*.example.com'");
        }
        if (rest.indexOf('*') < 0 && (host.startsWith("*.") || host.startsWith("."))) {
            return;
        }
        // Say which label holds the last '*' and suggest the domain after it.
        String[] labels = host.split("\\.", -1);
        int wildLabel = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i].indexOf('*') >= 0) {
                wildLabel = i;
            }
        }
        String after = String.join(".", Arrays.copyOfRange(labels, wildLabel + 1, labels.length));
        if (labels[wildLabel].equals("*")) {
            throw new InvalidPatternException("pattern " + Text.quote(pattern)
                    + " is refused: '*' may only be the whole first label, and a leading '*.' already matches "
                    + "sub-domains at any depth; write "
                    + Text.quote(suggestion("*.", after)) + " or list the hosts you need");
        }
        String domain = labels.length == 1 || (wildLabel == 0 && labels[0].startsWith("*"))
                ? (labels[wildLabel].replace("*", "") + (after.isEmpty() ? "" : "." + after))
                : after;
        throw new InvalidPatternException("pattern " + Text.quote(pattern)
                + " is refused: '*' must be a whole label, not part of one; write "
                + Text.quote(suggestion("*.", domain)) + " for sub-domains or "
                + Text.quote(suggestion(".", domain)) + " for the domain and its sub-domains");
    }

    /** Refuses a wildcard or dot-suffix over a top-level domain or a public suffix. */
    static void checkSuffix(String pattern, String prefix, String suffix) {
        boolean publicSuffix = isPublicSuffix(suffix);
        if (!publicSuffix && suffix.indexOf('.') >= 0) {
            return;
        }
        String where = publicSuffix
                ? "the public suffix '" + suffix + "', where anyone can register names"
                : "the top-level domain '" + suffix + "'";
        throw new InvalidPatternException("pattern " + Text.quote(pattern)
                + " is too broad: it matches every host under " + where + "; name a domain such as '" + prefix
                + "example." + suffix + "'");
    }

    /** Refuses blocks that cover a whole address family. */
    static void checkCidr(String pattern, Cidr cidr) {
        if (cidr.prefix() == 0) {
            String example = cidr.v6() ? "'fd00::/8', or one address such as '[fd00::5]:8080'"
                    : "'10.0.0.0/8', or one address such as '10.0.0.5:8080'";
            throw new InvalidPatternException("pattern " + Text.quote(pattern) + " is too broad: it matches every "
                    + (cidr.v6() ? "IPv6" : "IPv4") + " address; name the network you need, such as " + example);
        }
        if (cidr.v6()) {
            for (Object[] space : IPV4_IN_IPV6) {
                if (cidr.contains((Cidr) space[2])) {
                    throw new InvalidPatternException("pattern " + Text.quote(pattern) + " is too broad: it contains every"
                            + " IPv4 address written as " + space[1] + " (" + space[0] + "); name the IPv4 network you need,"
                            + " such as '10.0.0.0/8'");
                }
            }
        }
    }

    /** IPv6 spaces that embed the whole IPv4 space: a block covering one of them opens all of IPv4. */
    private static final Object[][] IPV4_IN_IPV6 = {
            {"::ffff:0:0/96", "IPv4-mapped IPv6", new Cidr(true, 0L, 0x0000ffff00000000L, 96)},
            {"::/96", "IPv4-compatible IPv6", new Cidr(true, 0L, 0L, 96)},
            {"64:ff9b::/96", "NAT64", new Cidr(true, 0x0064ff9b00000000L, 0L, 96)},
            {"2002::/16", "6to4", new Cidr(true, 0x2002000000000000L, 0L, 16)},
    };

    private static String suggestion(String prefix, String domain) {
        if (domain.isEmpty()) {
            return prefix + "example.com";
        }
        boolean tooBroad = domain.indexOf('.') < 0 || isPublicSuffix(domain);
        return prefix + (tooBroad ? "example." : "") + domain;
    }

    private static boolean isPublicSuffix(String name) {
        return InternetDomainName.isValid(name) && InternetDomainName.from(name).isPublicSuffix();
    }
}
