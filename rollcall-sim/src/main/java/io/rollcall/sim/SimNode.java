package io.rollcall.sim;

import io.rollcall.core.Endpoint;
import io.rollcall.core.engine.MembershipEngine;
import io.rollcall.core.engine.Notification;
import io.rollcall.core.engine.Outbox;
import io.rollcall.core.engine.StreamFailure;
import io.rollcall.core.engine.Timer;
import io.rollcall.core.message.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated process: an engine, the outbox that connects it to the simulated network, and its
 * fate (running, crashed, paused, stopped). A node can live several lives (restarts); anything
 * scheduled for an earlier life is dropped, as a restarted process never sees its predecessor's timers.
 */
public final class SimNode implements Outbox {

    /** What the process is doing. */
    public enum Status {
        /** Never started. */
        DOWN,
        /** Running normally. */
        UP,
        /** Stalled (GC pause, SIGSTOP): input and timers queue up until it resumes. */
        PAUSED,
        /** Killed: input is dropped, streams are refused. */
        CRASHED,
        /** Left the cluster and exited. */
        STOPPED
    }

    private final Simulation sim;
    private final int index;
    private final String name;
    private final Endpoint address;
    private final List<Runnable> backlog = new ArrayList<>();
    private MembershipEngine engine;
    private Status status = Status.DOWN;
    private int life;
    private long extraDelayMillis;
    private long inboundLagMillis;
    private double ingressLossRate;
    private long bytesSent;
    private boolean everFaulted;

    SimNode(Simulation sim, int index, String name, Endpoint address) {
        this.sim = sim;
        this.index = index;
        this.name = name;
        this.address = address;
    }

    void beginLife(MembershipEngine newEngine) {
        life++;
        engine = newEngine;
        status = Status.UP;
        backlog.clear();
    }

    void crash() {
        if (engine != null) {
            engine.stop();
        }
        status = Status.CRASHED;
        everFaulted = true;
        life++;
        backlog.clear();
    }

    /** The process exits after a graceful leave. */
    public void exit() {
        if (engine != null) {
            engine.stop();
        }
        status = Status.STOPPED;
        life++;
        backlog.clear();
    }

    void pause() {
        if (status == Status.UP) {
            status = Status.PAUSED;
            everFaulted = true;
        }
    }

    void resume() {
        if (status != Status.PAUSED) {
            return;
        }
        status = Status.UP;
        List<Runnable> pending = new ArrayList<>(backlog);
        backlog.clear();
        for (Runnable r : pending) {
            if (status != Status.UP) {
                break;
            }
            r.run();
        }
    }

    /**
     * Makes the node slow: everything it receives, and every timer, is handled this much later.
     *
     * @param millis extra delay; 0 for a normal node
     */
    public void setExtraDelayMillis(long millis) {
        extraDelayMillis = millis;
        if (millis > 0) {
            everFaulted = true;
        }
    }

    /**
     * Makes the node slow to process what it receives, not its timers: every datagram, stream request
     * and stream reply waits this long in front of its handler (a backlog behind a starved packet
     * thread) while the node's own timers fire on time. That is the case Lifeguard is about: such a
     * node's probes time out before it reads the acks, and its suspicions run out before it reads the
     * refutations.
     *
     * @param millis the lag; 0 for a normal node
     */
    public void setInboundLagMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("inbound lag must not be negative, got " + millis);
        }
        inboundLagMillis = millis;
        if (millis > 0) {
            everFaulted = true;
        }
    }

    /**
     * Makes the node lose this share of everything sent to it (datagrams, and a stream's request or
     * its reply), each independently at random.
     *
     * @param rate 0..1; 0 for a normal node
     */
    public void setIngressLossRate(double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("ingress loss must be within 0..1, got " + rate);
        }
        ingressLossRate = rate;
        if (rate > 0) {
            everFaulted = true;
        }
    }

    /** Marks the node as one whose failure declarations are expected (partitioned, for instance). */
    public void markFaulted() {
        everFaulted = true;
    }

    // ------------------------------------------------------------------ called by the simulation

    void deliverPacket(Endpoint source, List<Message> messages) {
        run(() -> {
            for (Message m : messages) {
                engine.handlePacket(source, m);
            }
        });
    }

    void acceptStream(Endpoint source, Message request, StreamCall call) {
        if (status == Status.CRASHED || status == Status.STOPPED || status == Status.DOWN) {
            sim.refuseStream(call);
            return;
        }
        sim.streamAccepted(call, request);
        run(() -> sim.replyStream(this, call, engine.handleStream(source, request)));
    }

    void deliverStreamReply(int requestLife, long requestId, Message reply) {
        if (requestLife != life) {
            return;
        }
        run(() -> engine.handleStreamReply(requestId, reply));
    }

    void deliverStreamFailure(int requestLife, long requestId, StreamFailure failure) {
        if (requestLife != life) {
            return;
        }
        run(() -> engine.handleStreamFailure(requestId, failure));
    }

    private void run(Runnable action) {
        if (status == Status.UP) {
            action.run();
        } else if (status == Status.PAUSED) {
            backlog.add(action);
        }
    }

    void countSent(long bytes) {
        bytesSent += bytes;
    }

    // ------------------------------------------------------------------ Outbox

    @Override
    public void sendPacket(Endpoint to, List<Message> messages) {
        sim.sendPacket(this, to, messages);
    }

    @Override
    public void sendProbe(long seqNo, Endpoint to, List<Message> messages) {
        sim.sendProbe(this, seqNo, to, messages);
    }

    /** The host of a probe's target answered that nothing listens there. */
    void deliverPortUnreachable(int forLife, long seqNo) {
        if (life == forLife) {
            run(() -> engine.handleProbeUnreachable(seqNo));
        }
    }

    @Override
    public void sendStream(long requestId, Endpoint to, Message request) {
        sim.openStream(this, requestId, to, request);
    }

    @Override
    public void setTimer(Timer timer, long delayMillis) {
        int timerLife = life;
        sim.schedule(sim.now() + delayMillis + extraDelayMillis, () -> {
            if (life == timerLife) {
                run(() -> engine.handleTimer(timer));
            }
        });
    }

    @Override
    public void cancelTimer(Timer timer) {
        // Stale timers are recognised and ignored by the engine; the simulator lets them fire.
    }

    @Override
    public void notify(Notification notification) {
        sim.publish(this, notification);
    }

    // ------------------------------------------------------------------ inspection

    /** @return position in the simulation */
    public int index() {
        return index;
    }

    /** @return node name */
    public String name() {
        return name;
    }

    /** @return simulated address */
    public Endpoint address() {
        return address;
    }

    /** @return the engine of the current life, or null if never started */
    public MembershipEngine engine() {
        return engine;
    }

    /** @return what the process is doing */
    public Status status() {
        return status;
    }

    /** @return true if running (not paused, crashed or stopped) */
    public boolean isUp() {
        return status == Status.UP;
    }

    /** @return how many times the node was started */
    public int life() {
        return life;
    }

    /** @return extra delay applied to everything this node handles (0 unless slowed) */
    public long extraDelayMillis() {
        return extraDelayMillis;
    }

    /** @return how long what this node receives waits before it is handled (0 unless slowed) */
    public long inboundLagMillis() {
        return inboundLagMillis;
    }

    /** @return the share of what is sent to this node that is lost (0 unless lossy) */
    public double ingressLossRate() {
        return ingressLossRate;
    }

    /** @return bytes this node sent */
    public long bytesSent() {
        return bytesSent;
    }

    /** @return true if the node was ever crashed, paused, slowed or partitioned */
    public boolean everFaulted() {
        return everFaulted;
    }
}
