package io.rollcall.core.engine;

import static io.rollcall.core.engine.EngineHarness.addr;
import static io.rollcall.core.engine.EngineHarness.of;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.ErrorResponse;
import io.rollcall.core.message.IndirectPing;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.PushNodeState;
import io.rollcall.core.message.PushPull;
import io.rollcall.core.message.WireSizes;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StateExchangeAndLimitsTest {

    private static PushNodeState node(int host, long inc, MemberState state) {
        return new PushNodeState(EngineHarness.name(host), addr(host), Bytes.EMPTY, inc, state, VersionVector.ROLLCALL);
    }

    @Test
    void joinExchangesStateWithEverySeedAndCompletesAtTheFirstThatAnswers() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started();
        long joinId = h.engine.join(List.of(addr(2), addr(3), addr(1)));
        List<Effect.SendStream> requests = of(h.drain(), Effect.SendStream.class);
        assertThat(requests).hasSize(2);
        assertThat(((PushPull) requests.get(0).request()).join()).isTrue();
        h.engine.handleStreamReply(requests.get(0).requestId(),
                new PushPull(true, List.of(node(2, 1, MemberState.ALIVE), node(4, 3, MemberState.ALIVE)), Bytes.EMPTY));
        // Done now: the seed that has not answered (it may be silent for the whole TCP timeout) does not hold it.
        List<Effect> effects = h.drain();
        JoinCompleted done = of(effects, JoinCompleted.class).get(0);
        assertThat(done.joinId()).isEqualTo(joinId);
        assertThat(done.succeeded()).isEqualTo(1);
        assertThat(done.failures()).singleElement().satisfies(f -> assertThat(f).contains("own address"));
        assertThat(of(effects, MembershipEvent.Joined.class)).hasSize(2);
        // The late seed's failure completes nothing a second time; a late answer would still be merged.
        h.engine.handleStreamFailure(requests.get(1).requestId(), new StreamFailure(StreamFailure.Kind.REFUSED, "connection refused"));
        assertThat(of(h.drain(), JoinCompleted.class)).isEmpty();
    }

    @Test
    void aJoinThatNoSeedAnswersReportsEverySeedsFailure() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started();
        h.engine.join(List.of(addr(2), addr(3)));
        List<Effect.SendStream> requests = of(h.drain(), Effect.SendStream.class);
        h.engine.handleStreamFailure(requests.get(0).requestId(), new StreamFailure(StreamFailure.Kind.TIMED_OUT, "no answer"));
        assertThat(of(h.drain(), JoinCompleted.class)).isEmpty();
        h.engine.handleStreamFailure(requests.get(1).requestId(), new StreamFailure(StreamFailure.Kind.REFUSED, "connection refused"));
        JoinCompleted done = of(h.drain(), JoinCompleted.class).get(0);
        assertThat(done.succeeded()).isZero();
        assertThat(done.failures()).hasSize(2);
    }

    @Test
    void aSeedWhoseStateShowsOurNameAliveElsewhereFailsTheJoinAndIsNotRefuted() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started();
        h.engine.join(List.of(addr(2)));
        List<Effect.SendStream> requests = of(h.drain(), Effect.SendStream.class);
        PushNodeState impostor = new PushNodeState("self", addr(9), Bytes.EMPTY, 5, MemberState.ALIVE, VersionVector.ROLLCALL);
        h.engine.handleStreamReply(requests.get(0).requestId(), new PushPull(true, List.of(node(2, 1, MemberState.ALIVE), impostor), Bytes.EMPTY));
        List<Effect> effects = h.drain();
        JoinCompleted done = of(effects, JoinCompleted.class).get(0);
        assertThat(done.succeeded()).isZero();
        assertThat(done.seedFailures()).singleElement().satisfies(f -> {
            assertThat(f.failure().kind()).isEqualTo(StreamFailure.Kind.NAME_CONFLICT);
            assertThat(f.failure().reason()).contains(addr(9).toString());
        });
        assertThat(of(effects, NameConflict.class)).singleElement().satisfies(c -> assertThat(c.ours()).isTrue());
        assertThat(h.engine.counters().refutations()).isZero();
    }

    @Test
    void aRemoteDeadOnlyMakesUsSuspectWhileARemoteLeftIsTakenAsIs() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(3);
        Message reply = h.engine.handleStream(addr(2), new PushPull(false,
                List.of(node(3, 1, MemberState.DEAD), node(4, 1, MemberState.LEFT)), Bytes.EMPTY));
        assertThat(h.stateOf(3)).isEqualTo(MemberState.SUSPECT);
        assertThat(h.stateOf(4)).isEqualTo(MemberState.LEFT);
        assertThat(reply).isInstanceOf(PushPull.class);
        assertThat(((PushPull) reply).nodes()).hasSize(4);
    }

    @Test
    void aPeerThatHoldsUsDeadGetsOurRefutationInTheSameExchange() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(2);
        PushPull reply = (PushPull) h.engine.handleStream(addr(2),
                new PushPull(false, List.of(new PushNodeState("self", addr(1), Bytes.EMPTY, 1, MemberState.DEAD,
                        VersionVector.ROLLCALL)), Bytes.EMPTY));
        PushNodeState us = reply.nodes().stream().filter(n -> n.name().equals("self")).findFirst().orElseThrow();
        assertThat(us.state()).isEqualTo(MemberState.ALIVE);
        assertThat(us.incarnation()).isEqualTo(2);
    }

    @Test
    void aStateExchangeBeyondTheMemberLimitIsRefused() {
        EngineConfig config = EngineConfig.builder().maxMembers(10).build();
        EngineHarness h = new EngineHarness(config, 1).started();
        List<PushNodeState> many = new ArrayList<>();
        for (int i = 2; i < 20; i++) {
            many.add(node(i, 1, MemberState.ALIVE));
        }
        Message reply = h.engine.handleStream(addr(2), new PushPull(false, many, Bytes.EMPTY));
        assertThat(reply).isInstanceOf(ErrorResponse.class);
        assertThat(h.engine.memberCount()).isEqualTo(1);
        assertThat(h.engine.counters().dropped(DropReason.STATE_TOO_LARGE)).isEqualTo(1);
    }

    @Test
    void aFullTableEvictsTombstonesFirstThenDropsNewNames() {
        EngineConfig config = EngineConfig.builder().maxMembers(3).build();
        EngineHarness h = new EngineHarness(config, 1).started().withMembers(2);
        h.receive(2, new io.rollcall.core.message.Dead(1, "n3", "n2"));
        h.receive(2, EngineHarness.alive(4, 1));
        assertThat(h.engine.member("n3")).isEmpty();
        assertThat(h.engine.member("n4")).isPresent();
        h.receive(2, EngineHarness.alive(5, 1));
        assertThat(h.engine.member("n5")).isEmpty();
        assertThat(h.engine.counters().dropped(DropReason.TABLE_FULL)).isEqualTo(1);
    }

    @Test
    void malformedOrOversizedAlivesAreDroppedAndCounted() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started();
        h.receive(2, new Alive(1, "bad", addr(2), Bytes.EMPTY, null));
        h.receive(2, new Alive(1, "bad", addr(2), Bytes.EMPTY, new VersionVector(0, 0, 0, 0, 0, 0)));
        h.receive(2, new Alive(1, "big", addr(2), Bytes.of(new byte[513]), VersionVector.ROLLCALL));
        assertThat(h.engine.memberCount()).isEqualTo(1);
        assertThat(h.engine.counters().dropped(DropReason.INVALID_VERSIONS)).isEqualTo(2);
        assertThat(h.engine.counters().dropped(DropReason.META_TOO_LARGE)).isEqualTo(1);
    }

    @Test
    void aLiveMemberCannotBeTakenOverFromAnotherAddressButADeadOneCan() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(2);
        h.receive(9, new Alive(5, "n2", addr(9), Bytes.EMPTY, VersionVector.ROLLCALL));
        assertThat(h.engine.member("n2").orElseThrow().address()).isEqualTo(addr(2));
        assertThat(h.engine.counters().dropped(DropReason.ADDRESS_CONFLICT)).isEqualTo(1);
        h.receive(3, new io.rollcall.core.message.Dead(1, "n2", "n3"));
        h.receive(9, new Alive(1, "n2", addr(9), Bytes.EMPTY, VersionVector.ROLLCALL));
        assertThat(h.engine.member("n2").orElseThrow().address()).isEqualTo(addr(9));
        assertThat(h.stateOf(2)).isEqualTo(MemberState.ALIVE);
    }

    @Test
    void indirectProbesServedAtOnceAreBounded() {
        EngineConfig config = EngineConfig.builder().maxPendingRelays(2).build();
        EngineHarness h = new EngineHarness(config, 1).started().withMembers(3);
        for (int i = 0; i < 5; i++) {
            h.receive(2, new IndirectPing(i, addr(3), "n3", true, null, "n2"));
        }
        assertThat(h.engine.counters().dropped(DropReason.RELAY_LIMIT)).isEqualTo(3);
    }

    @Test
    void tombstonesAreRemovedAfterTheirRetention() {
        EngineConfig config = EngineConfig.builder().deadRetentionMillis(60_000).leftRetentionMillis(10_000).build();
        EngineHarness h = new EngineHarness(config, 1).started().withMembers(3);
        h.receive(3, new io.rollcall.core.message.Dead(1, "n2", "n3"));
        h.receive(3, new io.rollcall.core.message.Dead(1, "n4", "n4"));
        h.drain();
        h.now += 30_000;
        h.fire(new Timer.ReapTick());
        List<MembershipEvent.Removed> removed = of(h.drain(), MembershipEvent.Removed.class);
        assertThat(removed).extracting(r -> r.member().name()).containsExactly("n4");
        h.now += 31_000;
        h.fire(new Timer.ReapTick());
        assertThat(of(h.drain(), MembershipEvent.Removed.class)).extracting(r -> r.member().name()).containsExactly("n2");
        // The name is free again: a stale alive brings the member back as new.
        h.receive(3, EngineHarness.alive(2, 1));
        assertThat(h.stateOf(2)).isEqualTo(MemberState.ALIVE);
    }

    @Test
    void theReconnectTickReachesForADeadMemberAndTheSeeds() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(2);
        h.engine.join(List.of(addr(3)));
        h.drain();
        h.receive(3, new io.rollcall.core.message.Dead(1, "n2", "n3"));
        h.drain();
        h.fire(new Timer.ReconnectTick());
        List<Effect.SendStream> attempts = of(h.drain(), Effect.SendStream.class);
        assertThat(attempts).extracting(Effect.SendStream::to).containsExactlyInAnyOrder(addr(2), addr(3));
    }

    @Test
    void aTrustedListingReschedulesTheNextStateExchangeForTheSizeItReveals() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 5);
        h.engine.start();
        Timer.PushPullTick first = of(h.drain(), Effect.SetTimer.class).stream().map(Effect.SetTimer::timer)
                .filter(Timer.PushPullTick.class::isInstance).map(Timer.PushPullTick.class::cast).findFirst().orElseThrow();
        List<PushNodeState> listing = new ArrayList<>();
        for (int i = 2; i <= 1_000; i++) {
            listing.add(new PushNodeState("n" + i, addr(i), Bytes.EMPTY, 1, MemberState.ALIVE, VersionVector.ROLLCALL));
        }
        h.engine.learnWithoutGossip(listing);
        List<Effect.SetTimer> rescheduled = of(h.drain(), Effect.SetTimer.class).stream()
                .filter(t -> t.timer() instanceof Timer.PushPullTick).toList();
        assertThat(rescheduled).hasSize(1);
        long scaled = Timeouts.pushPullIntervalMillis(EngineConfig.lan().pushPullIntervalMillis(), 1_000);
        assertThat(scaled).isGreaterThan(EngineConfig.lan().pushPullIntervalMillis());
        assertThat(rescheduled.get(0).delayMillis()).isBetween(0L, scaled - 1);

        // The tick set at start is superseded: it starts no exchange and sets no timer.
        h.fire(first);
        assertThat(h.drain()).isEmpty();
        // The new one exchanges state with a member and sets the next tick one scaled interval away.
        h.fire(rescheduled.get(0).timer());
        List<Effect> effects = h.drain();
        assertThat(of(effects, Effect.SendStream.class)).hasSize(1);
        assertThat(of(effects, Effect.SetTimer.class)).filteredOn(t -> t.timer() instanceof Timer.PushPullTick)
                .extracting(Effect.SetTimer::delayMillis).containsExactly(scaled);
    }

    @Test
    void everyDatagramFitsTheBudgetAndTheCompoundLimit() {
        long seed = 31L;
        SplittableRandom random = new SplittableRandom(seed);
        EngineHarness h = new EngineHarness(EngineConfig.lan(), seed).started();
        for (int i = 2; i < 600; i++) {
            byte[] meta = new byte[random.nextInt(300)];
            h.receive(2, new Alive(1, "member-with-a-longer-name-" + i, addr(i), Bytes.of(meta), VersionVector.ROLLCALL));
        }
        h.drain();
        for (int round = 0; round < 200; round++) {
            h.fire(new Timer.GossipTick());
            h.fire(new Timer.ProbeTick());
            for (Effect.SendPacket p : of(h.drain(), Effect.SendPacket.class)) {
                int bytes = 0;
                for (Message m : p.messages()) {
                    bytes += WireSizes.of(m);
                }
                assertThat(WireSizes.packet(p.messages().size(), bytes)).as("seed %d round %d", seed, round)
                        .isLessThanOrEqualTo(1400);
                assertThat(p.messages().size()).isLessThanOrEqualTo(WireSizes.COMPOUND_MAX_PARTS);
            }
        }
    }

    @Test
    void afterJoiningWeTellEveryMemberDirectlyAtOnceAndSyncOnceMore() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started();
        h.engine.join(List.of(addr(2)));
        Effect.SendStream request = of(h.drain(), Effect.SendStream.class).get(0);
        List<PushNodeState> known = new ArrayList<>();
        for (int i = 2; i < 8; i++) {
            known.add(node(i, 1, MemberState.ALIVE));
        }
        h.engine.handleStreamReply(request.requestId(), new PushPull(true, known, Bytes.EMPTY));
        List<Effect> effects = h.drain();
        Timer followUp = of(effects, Timer.FollowUpSync.class).get(0);
        // With the seed's answer, not at the next gossip round.
        assertThat(selfAnnouncementTargets(effects)).hasSize(6);
        h.fire(new Timer.GossipTick());
        assertThat(selfAnnouncementTargets(h.drain())).isEmpty();
        h.fire(followUp);
        assertThat(of(h.drain(), Effect.SendStream.class)).hasSize(1);
    }

    @Test
    void aJoinInALargeClusterTellsAtMostOneBatchOfMembersPerGossipInterval() {
        int batch = Dissemination.MAX_DIRECT_ANNOUNCEMENTS_PER_GOSSIP_INTERVAL;
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started();
        h.engine.join(List.of(addr(2)));
        Effect.SendStream request = of(h.drain(), Effect.SendStream.class).get(0);
        List<PushNodeState> known = new ArrayList<>();
        for (int i = 2; i < 2 + batch * 2 + 10; i++) {
            known.add(node(i, 1, MemberState.ALIVE));
        }
        h.engine.handleStreamReply(request.requestId(), new PushPull(true, known, Bytes.EMPTY));
        java.util.Set<io.rollcall.core.Endpoint> told = new java.util.HashSet<>(selfAnnouncementTargets(h.drain()));
        assertThat(told).hasSize(batch);
        // A gossip round sooner than an interval after that batch sends none; each later one, one batch.
        h.now += EngineConfig.lan().gossipIntervalMillis() / 2;
        h.fire(new Timer.GossipTick());
        assertThat(selfAnnouncementTargets(h.drain())).isEmpty();
        h.now += EngineConfig.lan().gossipIntervalMillis();
        h.fire(new Timer.GossipTick());
        List<io.rollcall.core.Endpoint> second = selfAnnouncementTargets(h.drain());
        assertThat(second).hasSize(batch).doesNotContainAnyElementsOf(told);
        told.addAll(second);
        h.now += EngineConfig.lan().gossipIntervalMillis();
        h.fire(new Timer.GossipTick());
        told.addAll(selfAnnouncementTargets(h.drain()));
        assertThat(told).hasSize(known.size());
    }

    private static List<io.rollcall.core.Endpoint> selfAnnouncementTargets(List<Effect> effects) {
        List<io.rollcall.core.Endpoint> to = new ArrayList<>();
        for (Effect.SendPacket p : of(effects, Effect.SendPacket.class)) {
            if (p.messages().get(0) instanceof Alive a && a.node().equals("self")) {
                to.add(p.to());
            }
        }
        return to;
    }

    @Test
    void userMessagesTooLargeForADatagramGoOverAStream() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(1);
        h.engine.sendUserMessage(addr(2), Bytes.of(new byte[100]));
        h.engine.sendUserMessage(addr(2), Bytes.of(new byte[5_000]));
        List<Effect> effects = h.drain();
        assertThat(of(effects, Effect.SendPacket.class)).singleElement()
                .satisfies(p -> assertThat(((io.rollcall.core.message.UserData) p.messages().get(0)).payload().length()).isEqualTo(100));
        Effect.SendStream stream = of(effects, Effect.SendStream.class).get(0);
        assertThat(((io.rollcall.core.message.UserData) stream.request()).payload().length()).isEqualTo(5_000);
        h.engine.handleStreamFailure(stream.requestId(), new StreamFailure(StreamFailure.Kind.FAILED, "sent; no reply expected"));
        assertThat(h.engine.counters().dropped(DropReason.UNKNOWN_STREAM)).isZero();
    }
}
