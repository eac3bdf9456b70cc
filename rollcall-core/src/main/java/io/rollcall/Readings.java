package io.rollcall;

import io.rollcall.core.engine.EngineCounters;
import io.rollcall.core.engine.RoundTripTimes;
import io.rollcall.core.message.MessageType;
import io.rollcall.core.transport.TransportCounters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The engine's and the transport's readings as the public values {@link Rollcall#health()} and
 * {@link Rollcall#roundTrips()} return: counters by lower-case name, microseconds as durations.
 * Stateless.
 */
final class Readings {
    private Readings() {
    }

    static ProbeRoundTrips probeRoundTrips(RoundTripTimes.PerMember perMember, RoundTripTimes.Histogram direct,
                                           RoundTripTimes.Histogram indirect) {
        return new ProbeRoundTrips(roundTrips(perMember.direct()), roundTrips(perMember.viaHelper()),
                histogram(direct), histogram(indirect));
    }

    /**
     * @param serfDrops       Serf's refusals by reason
     * @param deliveryDropped user events and queries the listener's queue had no room for
     * @param decisionsDropped decision records the decision listeners' queue had no room for
     */
    static Health health(int score, EngineCounters.Snapshot c, TransportCounters t, Map<String, Long> serfDrops,
                         long deliveryDropped, long decisionsDropped, int queueDepth) {
        Map<String, Long> dropped = new TreeMap<>();
        c.drops().forEach((k, v) -> dropped.put("engine." + k.name().toLowerCase(Locale.ROOT), v));
        t.decodeDrops().forEach((k, v) -> {
            if (v > 0) {
                dropped.put("codec." + k.name().toLowerCase(Locale.ROOT), v);
            }
        });
        t.transportDrops().forEach((k, v) -> {
            if (v > 0) {
                dropped.put("transport." + k.name().toLowerCase(Locale.ROOT), v);
            }
        });
        serfDrops.forEach((k, v) -> {
            if (v > 0) {
                dropped.put("serf." + k, v);
            }
        });
        if (deliveryDropped > 0) {
            dropped.put("serf.delivery_queue_full", deliveryDropped);
        }
        if (decisionsDropped > 0) {
            dropped.put("decision.delivery_queue_full", decisionsDropped);
        }
        return new Health(score, c.probesSent(), c.probesFailed(), c.probesUnreachable(), c.suspicionsRaised(), c.deathsDeclared(),
                c.refutations(), byType(t.messagesIn()), byType(t.messagesOut()), t.bytesIn(), t.bytesOut(), dropped,
                queueDepth);
    }

    private static Map<String, RoundTrip> roundTrips(Map<String, RoundTripTimes.Sample> samples) {
        Map<String, RoundTrip> out = new java.util.HashMap<>();
        samples.forEach((name, s) -> out.put(name, new RoundTrip(java.time.Duration.ofNanos(s.lastMicros() * 1_000L),
                java.time.Duration.ofNanos(s.smoothedMicros() * 1_000L), s.samples())));
        return out;
    }

    private static ProbeRoundTrips.Histogram histogram(RoundTripTimes.Histogram h) {
        List<java.time.Duration> bounds = new ArrayList<>();
        for (long micros : RoundTripTimes.BUCKET_BOUNDS_MICROS) {
            bounds.add(java.time.Duration.ofNanos(micros * 1_000L));
        }
        List<Long> counts = new ArrayList<>();
        for (long n : h.counts()) {
            counts.add(n);
        }
        return new ProbeRoundTrips.Histogram(bounds, counts, java.time.Duration.ofNanos(h.sumMicros() * 1_000L));
    }

    private static Map<String, Long> byType(Map<MessageType, Long> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> {
            if (v > 0) {
                out.put(k.name().toLowerCase(Locale.ROOT), v);
            }
        });
        return out;
    }
}
