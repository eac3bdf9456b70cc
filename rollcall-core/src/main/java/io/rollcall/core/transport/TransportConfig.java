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
 * @param maxInboundStreams   most TCP requests served at once (memberlist: 128); a newcomer beyond that
 *                            displaces the busiest source's oldest request still arriving, or is
 *                            refused if none is (see {@link ConnectionSlots})
 * @param maxOutboundStreams  most TCP requests of our own in flight at once
 * @param queueCapacity       protocol thread's work queue
 * @param queueReserve        places in that queue kept free of received traffic, for stream outcomes
 *                            and commands; at least {@code maxOutboundStreams + maxInboundStreams}
 * @param crcOnSend           add memberlist's CRC header to datagrams (every memberlist since
 *                            protocol 5 checks it; Serf 0.9.4 does)
 * @param allowedSources      networks peers may send from; empty allows every address
 * @param maxInboundStreamsPerSource most of those from one address (IPv6: one /64); a newcomer
 *                            beyond that displaces its own source's oldest request still arriving
 * @param inboundStreamDeadlineMillis whole life of an inbound stream, from accept to reply sent, however
 *                            steadily its bytes trickle in; the connection is closed and counted then
 */
public record TransportConfig(Endpoint bind, Endpoint advertise, CodecConfig codec, int maxInboundStreams,
                              int maxOutboundStreams, int queueCapacity, int queueReserve, boolean crcOnSend,
                              java.util.List<CidrRange> allowedSources, int maxInboundStreamsPerSource,
                              long inboundStreamDeadlineMillis) {
    /** Default {@link #maxInboundStreamsPerSource}: room for a few nodes behind one NAT address. */
    public static final int DEFAULT_MAX_INBOUND_STREAMS_PER_SOURCE = 8;
    /** Default {@link #inboundStreamDeadlineMillis}: the default stream timeout. */
    public static final long DEFAULT_INBOUND_STREAM_DEADLINE_MILLIS = 10_000;

    /** Validates the fields. */
    public TransportConfig {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(codec, "codec");
        allowedSources = java.util.List.copyOf(allowedSources);
        if (maxInboundStreams < 1 || maxOutboundStreams < 1) {
            throw new IllegalArgumentException("stream limits must be at least 1");
        }
        if (maxInboundStreamsPerSource < 1 || maxInboundStreamsPerSource > maxInboundStreams) {
            throw new IllegalArgumentException("maxInboundStreamsPerSource must be from 1 to maxInboundStreams ("
                    + maxInboundStreams + "), not " + maxInboundStreamsPerSource);
        }
        if (inboundStreamDeadlineMillis < 1) {
            throw new IllegalArgumentException("inboundStreamDeadlineMillis must be positive, not " + inboundStreamDeadlineMillis);
        }
        if (queueReserve < maxInboundStreams + maxOutboundStreams || queueReserve >= queueCapacity) {
            throw new IllegalArgumentException("queueReserve must be at least maxInboundStreams + maxOutboundStreams ("
                    + (maxInboundStreams + maxOutboundStreams) + ") and below queueCapacity (" + queueCapacity + ")");
        }
    }

    /**
     * @param bind where to listen
     * @return defaults: advertise derived, default codec, 128 inbound streams (8 per source, 10 s
     *         each at most) and 32 outbound, a queue of 8192 with 1024 reserved, CRC on
     */
    public static TransportConfig of(Endpoint bind) {
        return new TransportConfig(bind, null, CodecConfig.DEFAULT, 128, 32, 8_192, 1_024, true, java.util.List.of(),
                DEFAULT_MAX_INBOUND_STREAMS_PER_SOURCE, DEFAULT_INBOUND_STREAM_DEADLINE_MILLIS);
    }

    /**
     * @param total           see {@link #maxInboundStreams}
     * @param perSource       see {@link #maxInboundStreamsPerSource}
     * @param deadlineMillis  see {@link #inboundStreamDeadlineMillis}
     * @return a copy with these inbound stream limits
     */
    public TransportConfig withInboundStreams(int total, int perSource, long deadlineMillis) {
        return new TransportConfig(bind, advertise, codec, total, maxOutboundStreams, queueCapacity, queueReserve, crcOnSend,
                allowedSources, perSource, deadlineMillis);
    }

    /** @param address the advertise address @return a copy with it */
    public TransportConfig withAdvertise(Endpoint address) {
        return new TransportConfig(bind, address, codec, maxInboundStreams, maxOutboundStreams, queueCapacity, queueReserve,
                crcOnSend, allowedSources, maxInboundStreamsPerSource, inboundStreamDeadlineMillis);
    }

    /** @param codecConfig the codec configuration @return a copy with it */
    public TransportConfig withCodec(CodecConfig codecConfig) {
        return new TransportConfig(bind, advertise, codecConfig, maxInboundStreams, maxOutboundStreams, queueCapacity,
                queueReserve, crcOnSend, allowedSources, maxInboundStreamsPerSource, inboundStreamDeadlineMillis);
    }

    /** @param ranges networks peers may send from (empty: all) @return a copy with them */
    public TransportConfig withAllowedSources(java.util.List<CidrRange> ranges) {
        return new TransportConfig(bind, advertise, codec, maxInboundStreams, maxOutboundStreams, queueCapacity, queueReserve,
                crcOnSend, ranges, maxInboundStreamsPerSource, inboundStreamDeadlineMillis);
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
