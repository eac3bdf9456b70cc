package io.rollcall;

/** Timing presets: memberlist's three configurations. */
public enum Profile {
    /** A local network: 1 s probes, 500 ms probe timeout, failures declared in seconds. The default. */
    LAN,
    /** Across data centres: 5 s probes, 3 s probe timeout, slower and more tolerant. */
    WAN,
    /** One host or a very fast network: 1 s probes, 200 ms probe timeout, quicker gossip. */
    LOCAL
}
