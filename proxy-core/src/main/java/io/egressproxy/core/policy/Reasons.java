package io.egressproxy.core.policy;

import java.net.InetAddress;
import java.util.Set;
import java.util.TreeSet;

/**
 * The words of every {@link Decision} a {@link Policy} makes, in one place so they stay
 * consistent. Each reason names the host and port (or address) and, for a denial, says how to
 * allow it on purpose ({@code --allow-host ...} or the configuration list).
 *
 * <p>Stateless; safe from any thread.
 */
final class Reasons {

    private Reasons() {}

    static String blocked(Host host, int port, Entry block) {
        return "host '" + target(host, port) + "' is blocked by " + block.describe()
                + "; block entries win over allow entries";
    }

    static String allowed(Host host, int port, Entry entry, boolean bypass) {
        return "host '" + target(host, port) + "' is allowed by " + entry.describe()
                + (bypass ? ", without interception" : "");
    }

    /**
     * Default denial. {@code nearMiss} is an allow entry for the same host with other ports, if
     * any, so the reason can say the port is what is missing.
     */
    static String notAllowed(Host host, int port, Entry nearMiss, Set<Integer> defaults, String allowList) {
        String suggestion = "; allow it with --allow-host " + target(host, port) + " (or add it to " + allowList + ")";
        if (nearMiss == null) {
            return "host '" + target(host, port) + "' is not in the allow-list" + suggestion;
        }
        String ports = nearMiss.pattern().port().isDefault()
                ? "has no port, so it allows only the default ports " + String.join(", ", sorted(defaults))
                : "allows only port " + nearMiss.pattern().port().value();
        return "host '" + target(host, port) + "' is not in the allow-list: port " + port + " is not allowed ("
                + nearMiss.describe() + " " + ports + ")" + suggestion;
    }

    static String badPort(Host host, int port) {
        return "port " + port + " of host '" + host.uriForm() + "' is outside 1..65535";
    }

    static String addressBlocked(Host host, InetAddress address, Entry block) {
        return subject(host, address) + " is blocked by " + block.describe() + "; block entries win over allow entries";
    }

    static String addressAllowed(Host host, InetAddress address, Entry entry) {
        return subject(host, address) + " is allowed by " + entry.describe();
    }

    static String publicAddress(Host host, InetAddress address) {
        return subject(host, address) + " is a public address";
    }

    /** The private-address guard refused: say which class and how to allow the address on purpose. */
    static String guard(Host host, int port, InetAddress address, AddressClass kind) {
        String exact = Addresses.uriText(address) + ":" + port;
        String localhost = Addresses.isLoopback(address) ? ", --allow-host localhost:" + port : "";
        String article = "aeiou".indexOf(kind.label().charAt(0)) >= 0 ? " is an " : " is a ";
        return subject(host, address) + article + kind.label() + " address; the private-address guard refuses "
                + "non-public addresses unless the address itself is allowed, e.g. --allow-host " + exact + localhost
                + " or a CIDR entry";
    }

    private static String subject(Host host, InetAddress address) {
        String text = Addresses.text(address);
        return host.isLiteral() && host.name().equals(text) ? "address " + text
                : "'" + host.uriForm() + "' resolved to " + text + ", which";
    }

    private static String target(Host host, int port) {
        return host.uriForm() + ":" + port;
    }

    private static Iterable<String> sorted(Set<Integer> ports) {
        TreeSet<String> out = new TreeSet<>((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
        ports.forEach(p -> out.add(String.valueOf(p)));
        return out;
    }
}
