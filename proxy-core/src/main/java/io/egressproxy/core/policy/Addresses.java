package io.egressproxy.core.policy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Building, printing and looking inside {@link InetAddress} values without ever touching DNS.
 * Addresses are built from bytes and carry their own text as host name, so a later
 * {@code getHostName()} cannot trigger a reverse lookup by accident.
 *
 * <p>Stateless; safe from any thread.
 */
final class Addresses {

    private static final byte[] NAT64_PREFIX = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

    private Addresses() {}

    /** An IPv4 address from four bytes. */
    static Inet4Address v4(byte[] address) {
        try {
            return (Inet4Address) InetAddress.getByAddress(Ipv4Literal.format(address), address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not 4 bytes", e);
        }
    }

    /**
     * An IPv6 address from sixteen bytes, kept IPv6 even when it is IPv4-mapped (unlike
     * {@code InetAddress.getByAddress}), so its text is what the client wrote.
     */
    static Inet6Address v6(byte[] address) {
        try {
            return Inet6Address.getByAddress(Ipv6Literal.format(address), address, -1);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not 16 bytes", e);
        }
    }

    /** Canonical text: dotted decimal, or RFC 5952 for IPv6 (no brackets, no zone). */
    static String text(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == 4 ? Ipv4Literal.format(bytes) : Ipv6Literal.format(bytes);
    }

    /** Text as it goes into a URI authority or a {@code host:port} pair: IPv6 in brackets. */
    static String uriText(InetAddress address) {
        return address instanceof Inet6Address ? "[" + text(address) + "]" : text(address);
    }

    /**
     * The IPv4 address that an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) is, or null. A
     * mapped address reaches exactly the IPv4 host, so an allow entry for that host covers it.
     */
    static Inet4Address mappedIpv4(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 16 && Ipv6Literal.isMapped(b) ? v4(slice(b, 12)) : null;
    }

    /**
     * The IPv4 address embedded in an IPv6 address by any well-known scheme, or null: IPv4-mapped
     * {@code ::ffff:0:0/96}, IPv4-translated {@code ::ffff:0:0:0/96}, IPv4-compatible {@code ::/96}
     * (except {@code ::} and {@code ::1}), NAT64 {@code 64:ff9b::/96} and 6to4 {@code 2002::/16}.
     * These can carry traffic to the embedded host (through the kernel or a translator), so the
     * address guard and block entries judge them by it.
     */
    static Inet4Address embeddedIpv4(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length != 16) {
            return null;
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return v4(new byte[] {b[2], b[3], b[4], b[5]});
        }
        if (startsWith(b, NAT64_PREFIX) || Ipv6Literal.isMapped(b) || isTranslated(b) || isCompatible(b)) {
            return v4(slice(b, 12));
        }
        return null;
    }

    /**
     * Loopback in the narrow sense a {@code localhost} entry means: 127.0.0.0/8, {@code ::1} and
     * IPv4-mapped 127.0.0.0/8. Not 6to4 or NAT64 forms, which leave the host.
     */
    static boolean isLoopback(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return b[0] == 127;
        }
        if (Ipv6Literal.isMapped(b)) {
            return b[12] == 127;
        }
        for (int i = 0; i < 15; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[15] == 1;
    }

    private static boolean isTranslated(byte[] b) {
        for (int i = 0; i < 8; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[8] == (byte) 0xff && b[9] == (byte) 0xff && b[10] == 0 && b[11] == 0;
    }

    private static boolean isCompatible(byte[] b) {
        for (int i = 0; i < 12; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        // :: and ::1 have meanings of their own (unspecified, loopback).
        return !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] == 0 || b[15] == 1));
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] slice(byte[] b, int from) {
        return new byte[] {b[from], b[from + 1], b[from + 2], b[from + 3]};
    }
}
