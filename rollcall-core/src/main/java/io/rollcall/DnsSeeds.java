package io.rollcall;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** {@code dns+NAME:PORT}: every A and AAAA record of the name, at the given port. */
final class DnsSeeds implements SeedProvider {
    private final String text;
    private final String name;
    private final int port;
    private final JndiDns dns;

    DnsSeeds(String text, String name, int port, JndiDns dns) {
        this.text = text;
        this.name = name;
        this.port = port;
        this.dns = dns;
    }

    @Override
    public List<InetSocketAddress> addresses() throws IOException {
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetAddress a : addressesOf(dns, name)) {
            out.add(new InetSocketAddress(a, port));
        }
        if (out.isEmpty()) {
            throw new UnknownHostException("DNS name '" + name + "' has no A or AAAA records");
        }
        return out;
    }

    /**
     * @return the name's A and AAAA records; empty if it has neither
     * @throws UnknownHostException if the name does not exist
     */
    static List<InetAddress> addressesOf(JndiDns dns, String name) throws IOException {
        List<InetAddress> out = new ArrayList<>();
        for (String type : new String[] {"A", "AAAA"}) {
            for (String literal : dns.lookup(name, type)) {
                byte[] raw = io.rollcall.core.IpLiterals.parse(literal.trim());
                if (raw != null) {
                    out.add(InetAddress.getByAddress(name, raw));
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return text;
    }
}
