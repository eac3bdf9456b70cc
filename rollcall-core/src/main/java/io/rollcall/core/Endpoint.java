package io.rollcall.core;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An IP address and port: where a member can be reached over UDP and TCP (memberlist uses the same
 * port for both). Never resolved through DNS: built from literal addresses only.
 *
 * @param ip   the IPv4 or IPv6 address
 * @param port the port, 0 to 65535
 */
public record Endpoint(InetAddress ip, int port) {

    /** Validates the fields. */
    public Endpoint {
        Objects.requireNonNull(ip, "ip");
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range 0..65535: " + port);
        }
    }

    /**
     * Builds an endpoint from the raw 4- or 16-byte address a peer sent.
     *
     * @param address 4 (IPv4) or 16 (IPv6) bytes
     * @param port    the port
     * @return the endpoint
     * @throws IllegalArgumentException if the address has another length
     */
    public static Endpoint of(byte[] address, int port) {
        if (address == null || (address.length != 4 && address.length != 16)) {
            throw new IllegalArgumentException("address must be 4 or 16 bytes, got "
                    + (address == null ? "none" : address.length));
        }
        try {
            return new Endpoint(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException impossibleForLiteralBytes) {
            throw new IllegalArgumentException(impossibleForLiteralBytes.getMessage());
        }
    }

    /**
     * Parses an address in {@link AddressSyntax}'s syntax, accepting IP literals only, so
     * parsing never blocks on DNS.
     *
     * @param text        the text to parse
     * @param defaultPort the port used when the text has none
     * @return the endpoint
     * @throws IllegalArgumentException with a one-line reason if the text is not an address
     */
    public static Endpoint parse(String text, int defaultPort) {
        AddressSyntax.Parsed hp = AddressSyntax.parse(text, defaultPort);
        byte[] raw = IpLiterals.parse(hp.host());
        if (raw == null) {
            throw new IllegalArgumentException("not an IP address (host names are not resolved here): " + text);
        }
        return of(raw, hp.port());
    }

    /** @return the raw 4 or 16 address bytes, as memberlist puts them on the wire */
    public byte[] addressBytes() {
        return ip.getAddress();
    }

    /** @return this endpoint as a socket address for the JDK's networking classes */
    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(ip, port);
    }

    // equals and hashCode are written out: a record's generated ones are linked through
    // invokedynamic on their first call, which spins method-handle classes (about 1.5 ms of
    // interpreted work in a JVM that has just started, on the first packet it sends).
    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint e && port == e.port && ip.equals(e.ip);
    }

    @Override
    public int hashCode() {
        return 31 * ip.hashCode() + port;
    }

    @Override
    public String toString() {
        String host = ip.getHostAddress();
        return ip instanceof Inet6Address ? "[" + host + "]:" + port : host + ":" + port;
    }
}
