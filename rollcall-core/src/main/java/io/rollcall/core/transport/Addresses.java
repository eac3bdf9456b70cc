package io.rollcall.core.transport;

import io.rollcall.core.Endpoint;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/** Chooses the address a node advertises to its peers. */
final class Addresses {
    private Addresses() {
    }

    /**
     * @param configured the advertise address asked for, or null
     * @param bound      the bound address, with its real port
     * @return the configured address (its port 0 replaced by the bound port); else the bound address,
     *         unless it is a wildcard, in which case this host's first usable address of the same family
     *         (site-local preferred, loopback last)
     */
    static Endpoint advertise(Endpoint configured, Endpoint bound) {
        if (configured != null) {
            return configured.port() == 0 ? new Endpoint(configured.ip(), bound.port()) : configured;
        }
        if (!bound.ip().isAnyLocalAddress()) {
            return bound;
        }
        boolean v6 = bound.ip() instanceof Inet6Address;
        InetAddress best = null;
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    boolean rightFamily = v6 ? a instanceof Inet6Address : a instanceof Inet4Address;
                    if (!rightFamily || a.isLinkLocalAddress()) {
                        continue;
                    }
                    if (best == null || (a.isSiteLocalAddress() && !best.isSiteLocalAddress())) {
                        best = a;
                    }
                }
            }
        } catch (SocketException e) {
            best = null;
        }
        if (best == null) {
            best = v6 ? InetAddress.getLoopbackAddress() : InetAddress.getLoopbackAddress();
        }
        return new Endpoint(best, bound.port());
    }
}
