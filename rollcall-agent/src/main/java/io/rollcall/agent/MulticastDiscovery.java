package io.rollcall.agent;

import io.rollcall.SeedProvider;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;

/**
 * {@code --discover CLUSTER}: peers found by multicast DNS, the way Serf's {@code -discover CLUSTER}
 * finds them, so Serf agents and Rollcall agents on one LAN find each other. Serf (through
 * hashicorp/mdns) announces an instance named after the node under the service
 * {@code _serf_CLUSTER._tcp.local.}: a PTR to the instance, an SRV with the gossip port and a host,
 * that host's A record, and a TXT record; it asks for the PTR and joins each address and port it
 * learns. We announce the same service and, as a {@link SeedProvider}, browse it whenever the node
 * asks (at each retry while alone, and every seed refresh interval).
 */
final class MulticastDiscovery implements SeedProvider, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("rollcall.mdns");
    /** How long one browse waits for answers: hashicorp/mdns's own query timeout is a second too. */
    private static final long BROWSE_MILLIS = 1_000;

    private final String service;
    private final String cluster;
    private final JmDNS jmdns;

    private MulticastDiscovery(String cluster, JmDNS jmdns) {
        this.cluster = cluster;
        this.service = serviceType(cluster);
        this.jmdns = jmdns;
    }

    /** @return the mDNS service type Serf uses for a cluster name */
    static String serviceType(String cluster) {
        return "_serf_" + cluster + "._tcp.local.";
    }

    /**
     * Announces this node and starts answering queries, on the interface holding {@code address}.
     *
     * @param cluster  the cluster name, as Serf's -discover takes it
     * @param nodeName the instance name (Serf uses the node name)
     * @param address  the node's advertised gossip address
     * @return the running discovery
     * @throws IOException if multicast DNS cannot be started on that interface
     */
    static MulticastDiscovery start(String cluster, String nodeName, InetSocketAddress address) throws IOException {
        InetAddress ip = address.getAddress();
        JmDNS jmdns = JmDNS.create(ip, nodeName.replace('.', '-'));
        try {
            ServiceInfo info = ServiceInfo.create(serviceType(cluster), nodeName, address.getPort(),
                    "Rollcall '" + cluster + "' cluster");
            jmdns.registerService(info);
        } catch (IOException | RuntimeException e) {
            jmdns.close();
            throw e;
        }
        LOG.log(Level.INFO, "announcing " + nodeName + " as " + serviceType(cluster) + " on " + ip.getHostAddress()
                + " (multicast DNS)");
        return new MulticastDiscovery(cluster, jmdns);
    }

    @Override
    public List<InetSocketAddress> addresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (ServiceInfo info : jmdns.list(service, BROWSE_MILLIS)) {
            for (InetAddress a : info.getInetAddresses()) {
                if (info.getPort() > 0) {
                    out.add(new InetSocketAddress(a, info.getPort()));
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "mdns:" + cluster;
    }

    @Override
    public void close() {
        try {
            jmdns.unregisterAllServices();
            jmdns.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "closing multicast DNS: " + e);
        }
    }
}
