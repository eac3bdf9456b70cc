package io.rollcall;

import io.rollcall.core.AddressSyntax;
import io.rollcall.core.IpLiterals;
import java.util.Objects;

/**
 * A host and a port as users type them: {@code host:port}, {@code [v6]:port}, a bare IPv6 literal,
 * or a host alone (then the default port). This is the one parser of addresses in Rollcall: the agent's
 * flags, its HTTP API, {@link RollcallConfig} and {@link SeedProvider#parse} all use it, so every place
 * accepts exactly the same text. Parsing never touches DNS.
 *
 * @param host an IP literal (without brackets) or a DNS name
 * @param port 0 to 65535
 */
public record HostAndPort(String host, int port) {
    /** Longest DNS name (RFC 1035: 253 characters in text form). */
    public static final int MAX_NAME_CHARS = AddressSyntax.MAX_NAME_CHARS;

    /**
     * Validates the fields.
     *
     * @param host see the record component
     * @param port see the record component
     */
    public HostAndPort {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range 0..65535: " + port);
        }
    }

    /**
     * @param text        the address
     * @param defaultPort the port when the text names none
     * @return the host and port
     * @throws IllegalArgumentException with a one-line reason naming the text
     */
    public static HostAndPort parse(String text, int defaultPort) {
        AddressSyntax.Parsed parsed = AddressSyntax.parse(text, defaultPort);
        return new HostAndPort(parsed.host(), parsed.port());
    }

    /** @return whether the host is an IP literal (so using it needs no DNS) */
    public boolean isIpLiteral() {
        return IpLiterals.parse(host) != null;
    }

    /** @return {@code host:port}, with an IPv6 host in brackets */
    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
