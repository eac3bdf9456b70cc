package io.rollcall.core.transport;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}); a bare address
 * is a single host. Used to refuse traffic from outside the networks a cluster lives in.
 *
 * @param network the network address, masked
 * @param prefix  prefix length in bits
 */
public record CidrRange(byte[] network, int prefix) {
    /** Validates and masks. */
    public CidrRange {
        network = mask(network.clone(), prefix);
    }

    /**
     * @param text {@code address/prefix} or an address alone
     * @return the range
     * @throws IllegalArgumentException with a one-line reason
     */
    public static CidrRange parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String address = slash < 0 ? t : t.substring(0, slash);
        byte[] raw;
        if (address.isEmpty() || !(address.indexOf(':') >= 0 || address.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
            throw new IllegalArgumentException("not a CIDR range (IP literals only): " + text);
        }
        try {
            raw = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not a CIDR range: " + text);
        }
        int bits = raw.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in CIDR range: " + text);
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("prefix length must be 0.." + bits + " in CIDR range: " + text);
            }
        }
        return new CidrRange(raw, prefix);
    }

    /**
     * @param address an address
     * @return true if it lies in this range (IPv4 addresses never match IPv6 ranges and vice versa,
     *         except IPv4-mapped IPv6 addresses, which are compared as IPv4)
     */
    public boolean contains(InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length == 16 && network.length == 4 && isV4Mapped(raw)) {
            raw = Arrays.copyOfRange(raw, 12, 16);
        }
        if (raw.length != network.length) {
            return false;
        }
        return Arrays.equals(mask(raw, prefix), network);
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xFF && a[11] == (byte) 0xFF;
    }

    private static byte[] mask(byte[] a, int prefix) {
        for (int i = 0; i < a.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            a[i] = (byte) (a[i] & (0xFF << (8 - keep)));
        }
        return a;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CidrRange c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            return Arrays.toString(network) + "/" + prefix;
        }
    }
}
