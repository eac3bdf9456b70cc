package io.rollcall.agent;

import io.rollcall.MemberStatus;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The verdicts behind {@code GET /v1/health/live} and {@code GET /v1/health/ready}, for Kubernetes
 * probes and load balancers. Each says only ok or why not.
 *
 * <p>Both ask the protocol thread for a {@link Sample}. The question is put on a thread of its own
 * and at most one is ever outstanding: a stalled protocol thread then holds one waiting thread, not
 * one per probe, and every later probe sees how long that one question has waited.
 */
final class HealthProbes implements AutoCloseable {
    /** Live while the protocol thread answers within this long. */
    static final long LIVE_ANSWER_MILLIS = 1_000;
    /**
     * Ready only while the Lifeguard health score (0 to 7) is below this. At 4 this node's own probes
     * have gone unanswered four times more than they succeeded lately: its probe deadline is five times
     * the normal one, so it is overloaded, paused or cut off, and should not take new work.
     */
    static final int READY_HEALTH_SCORE_BELOW = 4;

    /** What the protocol thread reports about this node. */
    record Sample(MemberStatus self, int reachable, int healthScore) {
    }

    /** A probe's answer: ok, or the reason it is not. */
    record Verdict(boolean ok, String reason) {
        static final Verdict OK = new Verdict(true, null);

        static Verdict no(String reason) {
            return new Verdict(false, reason);
        }
    }

    private final Supplier<Sample> sampler;
    private final boolean firstNode;
    private final BooleanSupplier stopping;
    private final ExecutorService asker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rollcall-agent-health");
        t.setDaemon(true);
        return t;
    });
    private final Object lock = new Object();
    private CompletableFuture<Sample> question;
    private long askedNanos;
    private volatile boolean joined;

    /**
     * @param sampler   asks the protocol thread (blocks until it answers)
     * @param firstNode whether this node is configured to form a cluster alone (ready without joining)
     * @param stopping  whether the agent is leaving
     */
    HealthProbes(Supplier<Sample> sampler, boolean firstNode, BooleanSupplier stopping) {
        this.sampler = sampler;
        this.firstNode = firstNode;
        this.stopping = stopping;
    }

    /** Another member has been reachable: this node has joined a cluster (it stays joined). */
    void joined() {
        joined = true;
    }

    /** @return ok while the protocol thread answers within {@value #LIVE_ANSWER_MILLIS} ms; membership plays no part */
    Verdict live() {
        return sample() instanceof Answer.Missing missing ? Verdict.no(missing.reason()) : Verdict.OK;
    }

    /** @return ok once joined (or first node), holding a view as a live member, with a low health score */
    Verdict ready() {
        if (stopping.getAsBoolean()) {
            return Verdict.no("leaving the cluster");
        }
        Answer answer = sample();
        if (answer instanceof Answer.Missing missing) {
            return Verdict.no(missing.reason());
        }
        Sample s = ((Answer.Got) answer).sample();
        if (s.self() != MemberStatus.ALIVE) {
            return Verdict.no("this node is " + s.self().name().toLowerCase(Locale.ROOT) + " in its own view");
        }
        if (s.reachable() > 1) {
            joined = true;
        }
        if (!joined && !firstNode) {
            return Verdict.no("not joined: no other member has been reachable yet");
        }
        if (s.healthScore() >= READY_HEALTH_SCORE_BELOW) {
            return Verdict.no("Lifeguard health score " + s.healthScore() + " is not below " + READY_HEALTH_SCORE_BELOW);
        }
        return Verdict.OK;
    }

    private sealed interface Answer {
        record Got(Sample sample) implements Answer {
        }

        record Missing(String reason) implements Answer {
        }
    }

    private Answer sample() {
        CompletableFuture<Sample> q;
        long waitedMillis;
        synchronized (lock) {
            if (question == null || question.isDone()) {
                askedNanos = System.nanoTime();
                question = CompletableFuture.supplyAsync(sampler, asker);
            }
            q = question;
            waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - askedNanos);
        }
        try {
            return new Answer.Got(q.get(Math.max(0, LIVE_ANSWER_MILLIS - waitedMillis), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return new Answer.Missing("the protocol thread has not answered for "
                    + Math.max(LIVE_ANSWER_MILLIS, waitedMillis) + " ms");
        } catch (ExecutionException e) {
            return new Answer.Missing("the node is not running: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer.Missing("interrupted");
        }
    }

    @Override
    public void close() {
        asker.shutdownNow();
    }
}
