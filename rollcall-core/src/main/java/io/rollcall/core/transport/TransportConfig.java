package io.rollcall.core.transport;

import io.rollcall.core.Endpoint;
import io.rollcall.core.codec.CodecConfig;
import java.util.Objects;

/**
 * How a node uses the network.
 *
 * @param bind                where to listen for UDP and TCP (same port for both; port 0 picks one)
 * @param advertise           the address peers are told to use, or null: the bind address, or for a
 *                            wildcard bind the first non-loopback address of this host
 * @param codec               framing (label, compression, encryption) and decoding limits
 * @param maxInboundStreams   most TCP requests served at once (memberlist: 128); more are refused
 * @param maxOutboundStreams  most TCP requests of our own in flight at once
 * @param queueCapacity       protocol thread's work queue
 * @param queueReserve        places in that queue kept free of received traffic, for stream outcomes
 *                            and commands; at least {@code maxOutboundStreams + maxInboundStreams}
 * @param crcOnSend           add memberlist's CRC header to datagrams (every memberlist since
 *                            protocol 5 checks it; Serf 0.9.4 does)
 * @param allowedSources      networks peers may send from; empty allows every address
 */
public record TransportConfig(Endpoint bind, Endpoint advertise, CodecConfig codec, int maxInboundStreams,
                              int maxOutboundStreams, int queueCapacity, int queueReserve, boolean crcOnSend,
                              java.util.List<CidrRange> allowedSources) {
    /** Validates the fields. */
    public TransportConfig {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(codec, "codec");
        allowedSources = java.util.List.copyOf(allowedSources);
        if (maxInboundStreams < 1 || maxOutboundStreams < 1) {
            throw new IllegalArgumentException("stream limits must be at least 1");
        }
        if (queueReserve < maxInboundStreams + maxOutboundStreams || queueReserve >= queueCapacity) {
            throw new IllegalArgumentException("queueReserve must be at least maxInboundStreams + maxOutboundStreams ("
                    + (maxInboundStreams + maxOutboundStreams) + ") and below queueCapacity (" + queueCapacity + ")");
        }
    }

    /**
     * @param bind where to listen
     * @return defaults: advertise derived, default codec, 128 inbound and 32 outbound streams,
     *         a queue of 8192 with 1024 reserved, CRC on
     */
    public static TransportConfig of(Endpoint bind) {
        return new TransportConfig(bind, null, CodecConfig.DEFAULT, 128, 32, 8_192, 1_024, true, java.util.List.of());
    }

    /** @param address the advertise address @return a copy with it */
    public TransportConfig withAdvertise(Endpoint address) {
        return new TransportConfig(bind, address, codec, maxInboundStreams, maxOutboundStreams, queueCapacity, queueReserve,
                crcOnSend, allowedSources);
    }

    /** @param codecConfig the codec configuration @return a copy with it */
    public TransportConfig withCodec(CodecConfig codecConfig) {
        return new TransportConfig(bind, advertise, codecConfig, maxInboundStreams, maxOutboundStreams, queueCapacity,
                queueReserve, crcOnSend, allowedSources);
    }

    /** @param ranges networks peers may send from (empty: all) @return a copy with them */
    public TransportConfig withAllowedSources(java.util.List<CidrRange> ranges) {
        return new TransportConfig(bind, advertise, codec, maxInboundStreams, maxOutboundStreams, queueCapacity, queueReserve,
                crcOnSend, ranges);
    }

    /**
     * @param address a peer's address
     * @return true if traffic from it is allowed
     */
    public boolean allows(java.net.InetAddress address) {
        if (allowedSources.isEmpty()) {
            return true;
        }
        for (CidrRange r : allowedSources) {
            if (r.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
