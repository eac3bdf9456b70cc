package io.rollcall.core.engine;

import io.rollcall.core.message.Dead;

/**
 * Routes each kind of timer to the part of the engine that set it. A {@link Timer.Handler}, so a
 * new kind of timer that nobody handles does not compile.
 */
final class TimerRoutes implements Timer.Handler {
    private final MembershipEngine engine;
    private final Prober prober;
    private final StateExchange exchange;
    private final Suspicions suspicions;
    private final GossipRules gossipRules;

    TimerRoutes(MembershipEngine engine, Prober prober, StateExchange exchange, Suspicions suspicions,
                GossipRules gossipRules) {
        this.engine = engine;
        this.prober = prober;
        this.exchange = exchange;
        this.suspicions = suspicions;
        this.gossipRules = gossipRules;
    }

    @Override
    public void onProbeTick(Timer.ProbeTick timer) {
        prober.onProbeTick();
    }

    @Override
    public void onProbeTimeout(Timer.ProbeTimeout timer) {
        prober.onProbeTimeout(timer.seqNo());
    }

    @Override
    public void onProbeDeadline(Timer.ProbeDeadline timer) {
        prober.onProbeDeadline(timer.seqNo());
    }

    @Override
    public void onNackGrace(Timer.NackGrace timer) {
        prober.onNackGrace(timer.seqNo());
    }

    @Override
    public void onRelayTimeout(Timer.RelayTimeout timer) {
        prober.onRelayTimeout(timer.seqNo());
    }

    @Override
    public void onGossipTick(Timer.GossipTick timer) {
        engine.onGossipTick();
    }

    @Override
    public void onPushPullTick(Timer.PushPullTick timer) {
        exchange.onPushPullTick(timer.token());
    }

    @Override
    public void onSuspicionTimeout(Timer.SuspicionTimeout timer) {
        Suspicions.Verdict verdict = suspicions.expire(timer.node(), timer.token());
        if (verdict != null) {
            MemberEntry accused = suspicions.table.get(verdict.dead().node());
            gossipRules.onDead(verdict.dead(), ClaimSource.timeout(verdict));
            suspicions.sendVerdictDirectly(verdict.dead(), accused);
        }
    }

    @Override
    public void onFollowUpSync(Timer.FollowUpSync timer) {
        exchange.onFollowUpSync();
    }

    @Override
    public void onReconnectTick(Timer.ReconnectTick timer) {
        exchange.onReconnectTick();
    }

    @Override
    public void onReapTick(Timer.ReapTick timer) {
        engine.onReapTick();
    }

    @Override
    public void onLeaveDeadline(Timer.LeaveDeadline timer) {
        engine.onLeaveTimer(true);
    }

    @Override
    public void onLeavePropagated(Timer.LeavePropagated timer) {
        engine.onLeaveTimer(false);
    }
}
