package io.rollcall;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code dnssrv+_SERVICE._PROTO.NAME}: every SRV record's target, at the record's port. Every target is
 * used, whatever its priority and weight: they order servers of one service, while here every target is
 * a peer of equal standing.
 */
final class SrvSeeds implements SeedProvider {
    /** Most SRV records used from one answer. */
    static final int MAX_RECORDS = 1_024;

    private final String text;
    private final String name;
    private final JndiDns dns;

    SrvSeeds(String text, String name, JndiDns dns) {
        this.text = text;
        this.name = name;
        this.dns = dns;
    }

    @Override
    public List<InetSocketAddress> addresses() throws IOException {
        List<String> records = dns.lookup(name, "SRV");
        if (records.isEmpty()) {
            throw new UnknownHostException("DNS name '" + name + "' has no SRV records");
        }
        List<InetSocketAddress> out = new ArrayList<>();
        IOException lastTargetFailure = null;
        for (String record : records.subList(0, Math.min(records.size(), MAX_RECORDS))) {
            // "priority weight port target", as the JNDI provider renders an SRV record.
            String[] fields = record.trim().split("\\s+");
            if (fields.length != 4) {
                continue;
            }
            int port;
            try {
                port = Integer.parseInt(fields[2]);
            } catch (NumberFormatException e) {
                continue;
            }
            if (port <= 0 || port > 0xFFFF || fields[3].equals(".")) {
                continue;
            }
            try {
                for (InetAddress a : DnsSeeds.addressesOf(dns, fields[3])) {
                    out.add(new InetSocketAddress(a, port));
                }
            } catch (IOException e) {
                lastTargetFailure = e;
            }
        }
        if (out.isEmpty() && lastTargetFailure != null) {
            throw new IOException("no SRV target of '" + name + "' resolved: " + lastTargetFailure.getMessage());
        }
        return out;
    }

    @Override
    public String toString() {
        return text;
    }
}
