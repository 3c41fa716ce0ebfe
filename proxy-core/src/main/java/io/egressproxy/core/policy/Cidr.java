package io.egressproxy.core.policy;

import java.net.InetAddress;

/**
 * A block of addresses of one family, held as two 64-bit words so that matching is a mask and a
 * compare with no allocation. IPv4 lives in the low 32 bits of {@code lo}; {@code hi} is 0.
 * A single address is a block of full length (/32 or /128).
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param v6 true for IPv6, false for IPv4
 * @param hi the upper 64 bits of an IPv6 address, 0 for IPv4
 * @param lo the lower 64 bits of an IPv6 address, or the IPv4 address as unsigned 32 bits
 * @param prefix prefix length, 0..32 or 0..128
 */
record Cidr(boolean v6, long hi, long lo, int prefix) {

    /** The block of {@code prefix} bits that starts with {@code address} (host bits are kept). */
    static Cidr of(InetAddress address, int prefix) {
        byte[] b = address.getAddress();
        boolean v6 = b.length == 16;
        return new Cidr(v6, v6 ? word(b, 0) : 0, v6 ? word(b, 8) : word4(b), prefix);
    }

    /** The single address. */
    static Cidr of(InetAddress address) {
        return of(address, address.getAddress().length * 8);
    }

    /** Number of bits in this family's addresses. */
    int bits() {
        return v6 ? 128 : 32;
    }

    /** True when bits beyond the prefix are set, e.g. {@code 10.1.2.3/8}. */
    boolean hasHostBits() {
        return !equals(network());
    }

    /** The same block with host bits cleared. */
    Cidr network() {
        return new Cidr(v6, hi & maskHi(v6, prefix), lo & maskLo(v6, prefix), prefix);
    }

    /** True when {@code address} is of this family and inside this block. */
    boolean contains(InetAddress address) {
        byte[] b = address.getAddress();
        if ((b.length == 16) != v6) {
            return false;
        }
        return v6 ? containsWords(word(b, 0), word(b, 8)) : containsWords(0, word4(b));
    }

    /** True when {@code other} is of this family and entirely inside this block. */
    boolean contains(Cidr other) {
        return other.v6 == v6 && other.prefix >= prefix && containsWords(other.hi, other.lo);
    }

    /** True when the address given as words is inside this block. */
    boolean containsWords(long addressHi, long addressLo) {
        return (addressHi & maskHi(v6, prefix)) == hi && (addressLo & maskLo(v6, prefix)) == lo;
    }

    /** The first address of the block, e.g. 10.0.0.0 for 10.0.0.0/8. */
    InetAddress address() {
        if (!v6) {
            return Addresses.v4(new byte[] {(byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo});
        }
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return Addresses.v6(b);
    }

    /** {@code 10.0.0.0/8}, {@code fd00::/8}; a single address without the prefix. */
    String text() {
        String address = Addresses.text(address());
        return prefix == bits() ? address : address + "/" + prefix;
    }

    /** Mask for the high word (IPv6) at a prefix length; 0 for IPv4, whose high word is 0. */
    static long maskHi(boolean v6, int prefix) {
        if (!v6 || prefix == 0) {
            return 0;
        }
        return prefix >= 64 ? -1L : -1L << (64 - prefix);
    }

    /** Mask for the low word at a prefix length. */
    static long maskLo(boolean v6, int prefix) {
        if (!v6) {
            return prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
        }
        if (prefix <= 64) {
            return 0;
        }
        return prefix == 128 ? -1L : -1L << (128 - prefix);
    }

    /** High word of an IPv6 address in bytes, or 0 for IPv4. */
    static long hiOf(byte[] b) {
        return b.length == 16 ? word(b, 0) : 0;
    }

    /** Low word of an IPv6 address in bytes, or the unsigned IPv4 value. */
    static long loOf(byte[] b) {
        return b.length == 16 ? word(b, 8) : word4(b);
    }

    private static long word(byte[] b, int from) {
        long value = 0;
        for (int i = from; i < from + 8; i++) {
            value = (value << 8) | (b[i] & 0xff);
        }
        return value;
    }

    private static long word4(byte[] b) {
        return ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
    }
}
