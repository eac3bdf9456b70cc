package io.rollcall.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Dead;
import io.rollcall.core.message.GossipMessage;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.Suspect;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Our own incarnation and metadata are handed to {@link Outbox#storeSelf} before anything that carries
 * them is sent, and a state that cannot be stored is not taken on.
 */
class SelfStateWriteThroughTest {

    /** Records like {@link CollectingOutbox}, and refuses to store while {@link #refusing} is set. */
    private static final class RefusingOutbox implements Outbox {
        final CollectingOutbox effects = new CollectingOutbox();
        boolean refusing;

        @Override
        public void sendPacket(Endpoint to, List<Message> messages) {
            effects.sendPacket(to, messages);
        }

        @Override
        public void sendStream(long requestId, Endpoint to, Message request) {
            effects.sendStream(requestId, to, request);
        }

        @Override
        public void setTimer(Timer timer, long delayMillis) {
            effects.setTimer(timer, delayMillis);
        }

        @Override
        public void cancelTimer(Timer timer) {
            effects.cancelTimer(timer);
        }

        @Override
        public void storeSelf(SelfState next) {
            if (refusing) {
                throw new SelfStateNotStoredException("disk full");
            }
            effects.storeSelf(next);
        }

        @Override
        public void notify(Notification notification) {
            effects.notify(notification);
        }
    }

    private final RefusingOutbox out = new RefusingOutbox();
    private final MembershipEngine engine = new MembershipEngine(
            new LocalIdentity("self", EngineHarness.addr(1), Bytes.EMPTY, 1), EngineConfig.lan(), () -> 1_000_000L,
            new SplittableRandom(1), out);

    private void started() {
        engine.start();
        for (int i = 2; i < 6; i++) {
            engine.handlePacket(EngineHarness.addr(i), EngineHarness.alive(i, 1));
        }
        out.effects.drain();
    }

    /** @return whether any packet in {@code effects} carries our own alive at {@code incarnation} */
    private static int firstSendOfOurAlive(List<Effect> effects, long incarnation) {
        for (int i = 0; i < effects.size(); i++) {
            if (effects.get(i) instanceof Effect.SendPacket p && p.messages().stream()
                    .anyMatch(m -> m instanceof Alive a && a.node().equals("self") && a.incarnation() == incarnation)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aRefutationIsStoredBeforeItIsSentAndTheOwnerIsToldOfTheNewIncarnation() {
        long seed = 15L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 200; round++) {
            RefusingOutbox o = new RefusingOutbox();
            MembershipEngine e = new MembershipEngine(new LocalIdentity("self", EngineHarness.addr(1), Bytes.EMPTY, 1),
                    EngineConfig.lan(), () -> 1_000_000L, new SplittableRandom(round), o);
            e.start();
            for (int i = 2; i < 6; i++) {
                e.handlePacket(EngineHarness.addr(i), EngineHarness.alive(i, 1));
            }
            o.effects.drain();
            // Within IncarnationRule.MAX_INCARNATION_JUMP: an accusation further above us is refused, not refuted.
            long accused = 1 + random.nextLong(IncarnationRule.MAX_INCARNATION_JUMP - 1);
            GossipMessage claim = random.nextBoolean() ? new Suspect(accused, "self", "n3") : new Dead(accused, "self", "n3");
            e.handlePacket(EngineHarness.addr(3), claim);
            List<Effect> effects = o.effects.drain();
            int stored = effects.indexOf(new Effect.StoreSelf(new SelfState(accused + 1, Bytes.EMPTY)));
            int sent = firstSendOfOurAlive(effects, accused + 1);
            assertThat(stored).as("seed %d round %d %s: %s", seed, round, claim, effects).isNotNegative();
            assertThat(sent).as("seed %d round %d %s: %s", seed, round, claim, effects).isGreaterThan(stored);
            assertThat(EngineHarness.of(effects, SelfRefuted.class)).extracting(r -> r.self().incarnation())
                    .containsExactly(accused + 1);
        }
    }

    @Test
    void aRefutationThatCannotBeStoredIsNotMadeAndIsCounted() {
        started();
        out.refusing = true;
        engine.handlePacket(EngineHarness.addr(3), new Dead(4_000, "self", "n3"));
        List<Effect> effects = out.effects.drain();
        assertThat(engine.localMember().incarnation()).isEqualTo(1);
        assertThat(engine.localMember().state()).isEqualTo(MemberState.ALIVE);
        assertThat(firstSendOfOurAlive(effects, 4_001)).isEqualTo(-1);
        assertThat(engine.counters().refutations()).isZero();
        assertThat(engine.counters().drops()).containsEntry(DropReason.SELF_STATE_NOT_STORED, 1L);
        // Once the store works again, the next accusation is refuted as usual.
        out.refusing = false;
        engine.handlePacket(EngineHarness.addr(3), new Dead(4_000, "self", "n3"));
        assertThat(engine.localMember().incarnation()).isEqualTo(4_001);
    }

    @Test
    void aMetadataUpdateThatCannotBeStoredFailsAndChangesNothing() {
        started();
        Bytes meta = Bytes.of(new byte[] {1, 2, 3});
        out.refusing = true;
        assertThatThrownBy(() -> engine.updateMetadata(meta)).isInstanceOf(SelfStateNotStoredException.class)
                .hasMessage("disk full");
        engine.handleTimer(new Timer.GossipTick());
        List<Effect> effects = out.effects.drain();
        assertThat(engine.localMember().incarnation()).isEqualTo(1);
        assertThat(engine.localMember().meta()).isEqualTo(Bytes.EMPTY);
        assertThat(firstSendOfOurAlive(effects, 2)).isEqualTo(-1);
        assertThat(EngineHarness.of(effects, MembershipEvent.Updated.class)).isEmpty();

        out.refusing = false;
        engine.updateMetadata(meta);
        assertThat(out.effects.drain()).first().isEqualTo(new Effect.StoreSelf(new SelfState(2, meta)));
        assertThat(engine.localMember().meta()).isEqualTo(meta);
    }
}
