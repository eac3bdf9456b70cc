package io.rollcall;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Where to find members to join: a source of addresses that is asked again whenever they are needed.
 * A node asks its providers at every join attempt, at every retry while it is alone, and every
 * {@link RollcallConfig#seedRefreshInterval() seed refresh interval} while it runs, so addresses
 * that change (DNS records of a rolling update, a cloud API's instance list) are followed, and a
 * partition heals through an address that appeared later.
 *
 * <p>Implement it to plug in any discovery mechanism (a cloud provider's API, a service registry, a
 * file); {@link #parse} gives the built-in ones:
 * <ul>
 * <li>{@code 10.0.0.5}, {@code 10.0.0.5:7946}, {@code [fd00::5]:7946}: that address;</li>
 * <li>{@code seed.example.com[:port]}: every A and AAAA record of the name, through the system resolver
 *     (so {@code /etc/hosts} counts, and the JVM's address cache: {@code networkaddress.cache.ttl});</li>
 * <li>{@code dns+NAME:PORT}: every A and AAAA record of NAME, asked of the DNS servers in
 *     {@code /etc/resolv.conf} directly, bypassing the JVM's cache (the Prometheus-ecosystem
 *     convention: Thanos, Mimir, Loki);</li>
 * <li>{@code dnssrv+_SERVICE._PROTO.NAME}: every SRV record of the name, each target's addresses at
 *     the record's port.</li>
 * </ul>
 * The node itself filters what every provider returns: its own advertised address is left out, and
 * only addresses of its own family (IPv4 or IPv6) are tried.
 *
 * <p>Threading: {@link #addresses()} is called on a discovery thread of the node's own, never on the
 * protocol thread, one call at a time per node; it may block (a DNS query), but should give up within
 * seconds: the next attempt waits for it.
 */
@FunctionalInterface
public interface SeedProvider {
    /**
     * @return the addresses now (resolved: {@link InetSocketAddress#isUnresolved()} false); may be empty
     * @throws IOException with a one-line message naming what failed, if nothing could be found out
     *         (an unknown DNS name: {@link java.net.UnknownHostException}); the node logs it, counts it,
     *         and asks again at the next attempt
     */
    List<InetSocketAddress> addresses() throws IOException;

    /**
     * A provider for one address in Rollcall's address syntax (see the class comment), the default
     * port 7946.
     *
     * @param text the address
     * @return the provider; its {@code toString()} is the text as given
     * @throws IllegalArgumentException with a one-line reason if the text is not an address
     */
    static SeedProvider parse(String text) {
        return parse(text, RollcallConfig.DEFAULT_PORT);
    }

    /**
     * @param text        the address, in the syntax of the class comment
     * @param defaultPort the port of a plain host or IP given without one
     * @return the provider; its {@code toString()} is the text as given
     * @throws IllegalArgumentException with a one-line reason if the text is not an address
     */
    static SeedProvider parse(String text, int defaultPort) {
        return Seeds.parse(text, defaultPort);
    }

    /**
     * @param addresses fixed addresses (unresolved ones are resolved at each call, to all their records)
     * @return a provider that always answers with them
     */
    static SeedProvider of(List<InetSocketAddress> addresses) {
        return Seeds.fixed(addresses);
    }
}
