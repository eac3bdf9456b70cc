package io.rollcall.core.engine;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.message.Ack;
import io.rollcall.core.message.IndirectPing;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.Nack;
import io.rollcall.core.message.Ping;
import io.rollcall.core.message.Suspect;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * SWIM's failure detector with Lifeguard's refinements: once per probe interval it picks the next
 * target from the {@link ProbeRing}, pings it directly, after the probe timeout asks
 * {@link EngineConfig#indirectChecks()} others to ping it (with nacks from those that can send
 * them) and tries a TCP ping, and at the probe deadline, stretched by our own {@link Awareness},
 * suspects the target unless anyone answered. It also serves the other side: it acks pings and
 * relays indirect probes for others. The outcome of each probe feeds the awareness score: a clean
 * ack lowers it, a failed probe raises it by the nacks that did not come (a missing nack says the
 * fault may be ours).
 */
final class Prober extends EnginePart {

    /** What the prober needs of the rest of the engine. */
    interface Hooks {
        /** @return whether the engine is running (a leaving node no longer probes) */
        boolean running();

        /** Applies our own suspicion of a probe target, as gossip of it would be, with what our probe saw. */
        void suspect(Suspect accusation, DecisionRecord.ProbeEvidence evidence);

        /** A packet that may have carried queued gossip went out (our leave waits for its announcement). */
        void gossipSent();

        /** @return who fills our acks' payloads and hears of our direct acks */
        PingDelegate pingDelegate();
    }

    private static final long UINT32_MAX = 0xFFFF_FFFFL;

    private final ProbeRing ring;
    private final Awareness awareness;
    private final Dissemination dissemination;
    private final PendingStreams streams;
    private final Isolation isolation;
    private final Hooks hooks;
    private final Map<Long, Relay> relays = new HashMap<>();
    /** Round trips of acknowledged probes: observed only, nothing here reads them. */
    private final RoundTripTimes roundTrips = new RoundTripTimes();
    private long lastSeqNo;
    private Probe probe;
    /** The last failed probe that asked for nacks, still counting the late ones until its {@link Timer.NackGrace}. */
    private Probe awaitingNacks;
    private long awaitingNacksLatenessMillis;

    Prober(EngineContext context, ProbeRing ring, Awareness awareness, Dissemination dissemination,
           PendingStreams streams, Isolation isolation, Hooks hooks) {
        super(context);
        this.ring = ring;
        this.awareness = awareness;
        this.dissemination = dissemination;
        this.streams = streams;
        this.isolation = isolation;
        this.hooks = hooks;
    }

    // ------------------------------------------------------------------ our probes

    void onProbeTick() {
        if (!hooks.running()) {
            return;
        }
        out.setTimer(new Timer.ProbeTick(), config.probeIntervalMillis());
        if (probe != null) {
            // A probe stretched by poor local health is still running; skip this tick as memberlist's ticker does.
            return;
        }
        // Rounds by wall-clock time, so that nodes agree on them (ProbeRing): each member probed by one node per round.
        long round = Math.floorDiv(clock.wallMillis(), config.probeIntervalMillis());
        MemberEntry target = ring.target(self, round, e -> e.state.isLive());
        if (target == null) {
            return;
        }
        long seqNo = nextSeqNo();
        long deadlineMillis = awareness.scale(config.probeIntervalMillis());
        probe = new Probe(seqNo, target, clock.nowMicros(), clock.wallMillis(), deadlineMillis);
        counters.probesSent++;
        List<Message> parts = new ArrayList<>(2);
        parts.add(new Ping(seqNo, target.name, self.address, self.name));
        if (target.state == MemberState.SUSPECT) {
            // Buddy system: tell the suspect itself, so it can refute at once.
            parts.add(new Suspect(target.incarnation, target.name, self.name));
        }
        out.sendProbe(seqNo, target.address, dissemination.withPiggyback(parts));
        hooks.gossipSent();
        out.setTimer(new Timer.ProbeTimeout(seqNo), config.probeTimeoutMillis());
        out.setTimer(new Timer.ProbeDeadline(seqNo), deadlineMillis);
    }

    /** The current probe, if any, has its outcome (or we stopped probing): forget it and tell the driver. */
    void endProbe() {
        if (probe != null) {
            long seqNo = probe.seqNo;
            probe = null;
            out.probeEnded(seqNo);
        }
    }

    /** Forgets the current probe silently: a stopped engine produces no effects. */
    void stop() {
        probe = null;
        awaitingNacks = null;
    }

    void onProbeTimeout(long seqNo) {
        if (probe == null || probe.seqNo != seqNo) {
            return;
        }
        MemberEntry target = probe.target;
        List<MemberEntry> helpers = table.randomMembers(config.indirectChecks(),
                e -> e != self && e != target && e.state == MemberState.ALIVE, random);
        for (MemberEntry helper : helpers) {
            boolean wantNack = helper.versions.protocolMax() >= 4;
            if (wantNack) {
                probe.expectedNacks++;
            }
            probe.helpers.add(new AskedHelper(helper.name, helper.address, wantNack));
            counters.indirectProbesSent++;
            sendWithPiggyback(helper.address, List.of(new IndirectPing(seqNo, target.address, target.name, wantNack,
                    self.address, self.name)));
        }
        if (config.tcpFallbackProbe() && target.versions.protocolMax() >= 3) {
            long requestId = streams.open(PendingStreams.Purpose.TCP_PING, target.address, 0, seqNo);
            if (requestId >= 0) {
                probe.tcpFallbackTried = true;
                counters.tcpFallbackProbes++;
                out.sendStream(requestId, target.address, new Ping(seqNo, target.name, self.address, self.name));
            }
        }
    }

    /** The reply to the TCP ping of probe {@code seqNo}. */
    void onFallbackReply(long seqNo, Message reply) {
        if (reply instanceof Ack ack && probe != null && probe.seqNo == seqNo && ack.seqNo() == seqNo) {
            probe.fallbackAcked = true;
        }
    }

    /** See {@link MembershipEngine#handleProbeUnreachable}. */
    void onProbeUnreachable(long seqNo) {
        if (!config.suspectOnPortUnreachable() || probe == null || probe.seqNo != seqNo || !hooks.running()) {
            return;
        }
        Probe finished = probe;
        endProbe();
        out.cancelTimer(new Timer.ProbeTimeout(seqNo));
        out.cancelTimer(new Timer.ProbeDeadline(seqNo));
        counters.probesFailed++;
        counters.probesUnreachable++;
        suspectTarget(finished, DecisionRecord.DirectResult.PORT_UNREACHABLE, awareness.score());
    }

    void onProbeDeadline(long seqNo) {
        if (probe == null || probe.seqNo != seqNo) {
            return;
        }
        Probe finished = probe;
        endProbe();
        int healthScore = awareness.score();
        if (finished.fallbackAcked) {
            counters.tcpFallbackSuccesses++;
            awareness.apply(-1);
            return;
        }
        if (finished.expectedNacks > 0) {
            awareness.apply(Math.max(0, finished.expectedNacks - finished.nacks));
        } else {
            awareness.apply(1);
        }
        if (finished.expectedNacks > 0) {
            awaitingNacks = finished;
            long plannedEndMicros = finished.startedMicros + finished.deadlineMillis * 1_000L;
            awaitingNacksLatenessMillis = (clock.nowMicros() - plannedEndMicros) / 1_000L;
            out.setTimer(new Timer.NackGrace(seqNo), config.probeTimeoutMillis());
        }
        counters.probesFailed++;
        suspectTarget(finished, DecisionRecord.DirectResult.NO_ACK, healthScore);
    }

    /** @param healthScore our health score when the probe ended, before its outcome counted */
    private void suspectTarget(Probe finished, DecisionRecord.DirectResult direct, int healthScore) {
        MemberEntry target = finished.target;
        if (target.removed || !target.state.isLive()) {
            return;
        }
        if (target.state == MemberState.ALIVE) {
            counters.suspicionsRaised++;
        }
        List<DecisionRecord.Helper> helpers = new ArrayList<>(finished.helpers.size());
        for (AskedHelper h : finished.helpers) {
            helpers.add(new DecisionRecord.Helper(h.name, h.address, !h.wantsNack ? DecisionRecord.HelperAnswer.NO_NACK_EXPECTED
                    : h.nacked ? DecisionRecord.HelperAnswer.NACK : DecisionRecord.HelperAnswer.NO_ANSWER));
        }
        hooks.suspect(new Suspect(target.incarnation, target.name, self.name), new DecisionRecord.ProbeEvidence(
                finished.startedWallMillis, direct, helpers, finished.tcpFallbackTried, healthScore,
                finished.deadlineMillis));
    }

    // ------------------------------------------------------------------ answering others

    void onPing(Endpoint from, Ping ping) {
        if (!ping.node().isEmpty() && !ping.node().equals(self.name)) {
            counters.drop(DropReason.PING_FOR_OTHER_NODE);
            return;
        }
        Endpoint replyTo = ping.source() != null ? ping.source() : from;
        List<Message> parts = new ArrayList<>(2);
        parts.add(new Ack(ping.seqNo(), hooks.pingDelegate().ackPayload()));
        if (!ping.sourceNode().isEmpty() && hooks.running()) {
            MemberEntry prober = table.get(ping.sourceNode());
            if (prober != null && prober != self && !prober.state.isLive()) {
                // A member we hold as dead or left is probing us, so it is running: tell it, so it refutes now
                // instead of at its next state exchange with someone who holds the same view.
                parts.add(new Suspect(prober.incarnation, prober.name, self.name));
            }
        }
        sendWithPiggyback(replyTo, parts);
    }

    /** A ping that came over a stream (a peer's TCP fallback probe). */
    Ack onStreamPing(Ping ping) {
        if (!ping.node().isEmpty() && !ping.node().equals(self.name)) {
            counters.drop(DropReason.PING_FOR_OTHER_NODE);
            return null;
        }
        return new Ack(ping.seqNo(), Bytes.EMPTY);
    }

    void onIndirectPing(Endpoint from, IndirectPing request) {
        if (relays.size() >= config.maxPendingRelays()) {
            counters.drop(DropReason.RELAY_LIMIT);
            return;
        }
        long localSeqNo = nextSeqNo();
        Endpoint replyTo = request.source() != null ? request.source() : from;
        relays.put(localSeqNo, new Relay(request.seqNo(), replyTo, request.nack()));
        sendWithPiggyback(request.target(), List.of(new Ping(localSeqNo, request.node(), self.address, self.name)));
        out.setTimer(new Timer.RelayTimeout(localSeqNo), config.probeTimeoutMillis());
    }

    void onRelayTimeout(long localSeqNo) {
        Relay relay = relays.remove(localSeqNo);
        if (relay != null && relay.wantsNack) {
            out.sendPacket(relay.replyTo, List.of(new Nack(relay.originalSeqNo)));
        }
    }

    /** @return the round trips of our acknowledged probes */
    RoundTripTimes roundTrips() {
        return roundTrips;
    }

    void onAck(Endpoint from, Ack ack) {
        Relay relay = relays.remove(ack.seqNo());
        if (relay != null) {
            out.cancelTimer(new Timer.RelayTimeout(ack.seqNo()));
            sendWithPiggyback(relay.replyTo, List.of(new Ack(relay.originalSeqNo, ack.payload())));
            return;
        }
        if (probe != null && probe.seqNo == ack.seqNo()) {
            long seqNo = probe.seqNo;
            // An ack from anywhere but the target was relayed by a helper we asked.
            boolean viaHelper = !from.equals(probe.target.address);
            long rttMicros = clock.nowMicros() - probe.startedMicros;
            roundTrips.record(probe.target, viaHelper, rttMicros);
            if (!viaHelper) {
                hooks.pingDelegate().pingCompleted(probe.target.name, rttMicros, ack.payload());
            }
            endProbe();
            awareness.apply(-1);
            out.cancelTimer(new Timer.ProbeTimeout(seqNo));
            out.cancelTimer(new Timer.ProbeDeadline(seqNo));
            return;
        }
        counters.drop(DropReason.UNEXPECTED_ACK);
    }

    /** The failed probe's late nacks had their time: tell {@link Isolation} whether any came. */
    void onNackGrace(long seqNo) {
        if (awaitingNacks != null && awaitingNacks.seqNo == seqNo) {
            isolation.probeFailed(awaitingNacks.expectedNacks, awaitingNacks.nacks, awaitingNacksLatenessMillis);
            awaitingNacks = null;
        }
    }

    void onNack(Endpoint from, Nack nack) {
        if (awaitingNacks != null && awaitingNacks.seqNo == nack.seqNo()) {
            awaitingNacks.nacks++;
            return;
        }
        if (probe != null && probe.seqNo == nack.seqNo()) {
            probe.nacks++;
            for (AskedHelper h : probe.helpers) {
                if (h.address.equals(from)) {
                    h.nacked = true;
                }
            }
        } else {
            counters.drop(DropReason.UNEXPECTED_ACK);
        }
    }

    // ------------------------------------------------------------------ helpers

    private void sendWithPiggyback(Endpoint to, List<Message> parts) {
        out.sendPacket(to, dissemination.withPiggyback(parts));
        hooks.gossipSent();
    }

    /** Probes and relays share one sequence, so an ack tells which of them it answers. */
    private long nextSeqNo() {
        lastSeqNo = (lastSeqNo + 1) & UINT32_MAX;
        return lastSeqNo;
    }

    /** The probe in progress. */
    private static final class Probe {
        final long seqNo;
        final MemberEntry target;
        int expectedNacks;
        int nacks;
        boolean fallbackAcked;
        boolean tcpFallbackTried;
        /** When the ping went out, for the round trip of its ack. */
        final long startedMicros;
        /** The same on the wall clock, and how long the probe is given: for its record if it fails. */
        final long startedWallMillis;
        final long deadlineMillis;
        /** The helpers asked to probe indirectly, with their nacks: the record's evidence. */
        final List<AskedHelper> helpers = new ArrayList<>(3);

        Probe(long seqNo, MemberEntry target, long startedMicros, long startedWallMillis, long deadlineMillis) {
            this.seqNo = seqNo;
            this.target = target;
            this.startedMicros = startedMicros;
            this.startedWallMillis = startedWallMillis;
            this.deadlineMillis = deadlineMillis;
        }
    }

    /** A helper of the probe in progress. */
    private static final class AskedHelper {
        final String name;
        final Endpoint address;
        final boolean wantsNack;
        boolean nacked;

        AskedHelper(String name, Endpoint address, boolean wantsNack) {
            this.name = name;
            this.address = address;
            this.wantsNack = wantsNack;
        }
    }

    /** An indirect probe we run for someone else. */
    private record Relay(long originalSeqNo, Endpoint replyTo, boolean wantsNack) {
    }
}
