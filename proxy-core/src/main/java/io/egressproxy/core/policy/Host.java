package io.egressproxy.core.policy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * A host after normalisation by {@link HostNames#parse}: the one spelling that the policy checks
 * and that the proxy then dials, so the two can never disagree. Always obtain it from
 * {@code HostNames.parse}; the constructor refuses text that is not already canonical.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param name canonical text: a lower-case ASCII (punycode) DNS name without trailing dot, or the
 *     canonical address text for a literal ({@code 127.0.0.1}, {@code ::1}, {@code ::ffff:127.0.0.1}),
 *     never with brackets
 * @param literal the address for an IP literal, built from bytes (no lookup); null for a DNS name
 */
public record Host(String name, InetAddress literal) {

    /** @throws IllegalArgumentException if {@code name} is not canonical text for the host */
    public Host {
        Objects.requireNonNull(name, "name");
        if (literal != null ? !name.equals(Addresses.text(literal)) : !HostNames.isCanonicalName(name)) {
            throw new IllegalArgumentException(
                    "host " + Text.quote(name) + " is not in canonical form; obtain hosts from HostNames.parse");
        }
    }

    /** True for an IP literal, false for a DNS name. */
    public boolean isLiteral() {
        return literal != null;
    }

    /** The host as it appears in a URI authority: IPv6 literals in brackets, everything else as is. */
    public String uriForm() {
        return literal instanceof Inet6Address ? "[" + name + "]" : name;
    }

    /** Same as {@link #uriForm()}, so logs and messages show the host the way a URL would. */
    @Override
    public String toString() {
        return uriForm();
    }
}
