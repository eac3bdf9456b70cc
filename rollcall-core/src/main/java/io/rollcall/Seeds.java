package io.rollcall;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The built-in {@link SeedProvider}s, chosen by the text's prefix. */
final class Seeds {
    /** The Prometheus-ecosystem prefix for A/AAAA lookups. */
    static final String DNS_PREFIX = "dns+";
    /** The Prometheus-ecosystem prefix for SRV lookups. */
    static final String SRV_PREFIX = "dnssrv+";

    private Seeds() {
    }

    /**
     * @param text        an address in {@link SeedProvider}'s syntax
     * @param defaultPort the port of a plain address without one
     * @return its provider
     */
    static SeedProvider parse(String text, int defaultPort) {
        String t = text == null ? "" : text.trim();
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.startsWith(SRV_PREFIX)) {
            String name = t.substring(SRV_PREFIX.length());
            String problem = srvNameProblem(name);
            if (problem != null) {
                throw new IllegalArgumentException("bad SRV name in '" + text + "': " + problem);
            }
            return new SrvSeeds(t, name, JndiDns.SYSTEM);
        }
        if (lower.startsWith(DNS_PREFIX)) {
            String rest = t.substring(DNS_PREFIX.length());
            if (rest.indexOf(':') < 0) {
                throw new IllegalArgumentException("'" + text + "' needs a port: dns+NAME:PORT");
            }
            HostAndPort hp = HostAndPort.parse(rest, 0);
            if (hp.isIpLiteral()) {
                throw new IllegalArgumentException("'" + text + "' names an IP address, not a DNS name");
            }
            return new DnsSeeds(t, hp.host(), hp.port(), JndiDns.SYSTEM);
        }
        HostAndPort hp = HostAndPort.parse(t, defaultPort);
        return new HostSeeds(t, hp);
    }

    /**
     * @param addresses fixed addresses
     * @return a provider answering with them, an unresolved one resolved to all its records at each call
     */
    static SeedProvider fixed(List<InetSocketAddress> addresses) {
        List<InetSocketAddress> copy = List.copyOf(addresses);
        return new SeedProvider() {
            @Override
            public List<InetSocketAddress> addresses() throws IOException {
                List<InetSocketAddress> out = new ArrayList<>();
                for (InetSocketAddress a : copy) {
                    if (a.isUnresolved()) {
                        out.addAll(HostSeeds.resolveAll(a.getHostString(), a.getPort()));
                    } else {
                        out.add(a);
                    }
                }
                return out;
            }

            @Override
            public String toString() {
                return String.join(", ", copy.stream().map(a -> new HostAndPort(a.getHostString(), a.getPort()).toString()).toList());
            }
        };
    }

    private static String srvNameProblem(String name) {
        if (name.isEmpty()) {
            return "empty name";
        }
        String[] labels = name.split("\\.");
        if (labels.length < 3 || !labels[0].startsWith("_") || !labels[1].startsWith("_")) {
            return "expected _SERVICE._PROTO.NAME (for example _rollcall._tcp.example.com)";
        }
        try {
            HostAndPort.parse(name, 0);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return null;
    }

    /** A plain host or IP: through the system resolver, every record. */
    static final class HostSeeds implements SeedProvider {
        private final String text;
        private final HostAndPort hostAndPort;

        HostSeeds(String text, HostAndPort hostAndPort) {
            this.text = text;
            this.hostAndPort = hostAndPort;
        }

        @Override
        public List<InetSocketAddress> addresses() throws IOException {
            return resolveAll(hostAndPort.host(), hostAndPort.port());
        }

        static List<InetSocketAddress> resolveAll(String host, int port) throws UnknownHostException {
            List<InetSocketAddress> out = new ArrayList<>();
            try {
                for (InetAddress a : InetAddress.getAllByName(host)) {
                    out.add(new InetSocketAddress(a, port));
                }
            } catch (UnknownHostException e) {
                throw new UnknownHostException("cannot resolve host name '" + host + "'");
            }
            return out;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
