package io.rollcall.core.engine;

import static io.rollcall.core.engine.EngineHarness.addr;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Dead;
import io.rollcall.core.message.PushNodeState;
import io.rollcall.core.message.PushPull;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The member table is accounted in bytes against {@link EngineConfig#maxMemberBytes()}: a state
 * exchange full of invented members with the largest metadata fills at most half of it, later ones
 * fill the rest and no more, every refusal is counted, and a real new member still gets in once
 * tombstones can make room.
 */
class MemberBudgetTest {
    private static final long BUDGET_BYTES = 400_000;
    private static final EngineConfig CONFIG = EngineConfig.builder().maxMemberBytes(BUDGET_BYTES).build();

    private static Bytes meta(int bytes, byte fill) {
        byte[] m = new byte[bytes];
        Arrays.fill(m, fill);
        return Bytes.of(m);
    }

    private static PushPull fakes(String prefix, int n) {
        List<PushNodeState> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            nodes.add(new PushNodeState(prefix + i, Endpoint.of(new byte[] {10, 9, (byte) (i >>> 8), (byte) i}, 7946),
                    meta(511, (byte) 'x'), 1, MemberState.ALIVE, VersionVector.ROLLCALL));
        }
        return new PushPull(false, nodes, Bytes.EMPTY);
    }

    @Test
    void oneStateExchangeOfInventedMembersFillsAtMostHalfTheBudget() {
        EngineHarness h = new EngineHarness(CONFIG, 1).started();
        h.engine.handleStream(addr(2), fakes("fake-", 5_000));
        long bytes = h.engine.memberTableBytes();
        assertThat(bytes).isLessThanOrEqualTo(BUDGET_BYTES / 2 + MemberFootprint.bytes("self", Bytes.EMPTY));
        int admitted = h.engine.memberCount() - 1;
        assertThat(admitted).isPositive();
        assertThat(h.engine.counters().dropped(DropReason.STATE_SHARE_SPENT)).isEqualTo(5_000 - admitted);
        // A real member that tells us about itself afterwards gets in.
        h.receive(3, new Alive(1, "real", addr(3), meta(40, (byte) 'r'), VersionVector.ROLLCALL));
        assertThat(h.engine.member("real")).isPresent();
    }

    @Test
    void manyStateExchangesFillTheBudgetAndNoMoreThenTombstonesMakeRoom() {
        EngineHarness h = new EngineHarness(CONFIG, 1).started();
        for (int batch = 0; batch < 10; batch++) {
            h.engine.handleStream(addr(2), fakes("batch" + batch + "-", 2_000));
            assertThat(h.engine.memberTableBytes()).isLessThanOrEqualTo(BUDGET_BYTES);
        }
        assertThat(h.engine.counters().dropped(DropReason.TABLE_FULL)).isPositive();
        int full = h.engine.memberCount();
        Alive real = new Alive(1, "real-member-1", addr(3), meta(511, (byte) 'r'), VersionVector.ROLLCALL);
        assertThat(BUDGET_BYTES - h.engine.memberTableBytes()).isLessThan(MemberFootprint.bytes(real.node(), real.meta()));
        h.receive(3, real);
        assertThat(h.engine.member(real.node())).as("a table full of live members keeps them").isEmpty();
        // Invented members fail their probes and die; their tombstones are the first to go.
        h.receive(2, new Dead(1, "batch0-0", "n2"));
        h.receive(2, new Dead(1, "batch0-1", "n2"));
        h.receive(3, real);
        assertThat(h.engine.member(real.node())).isPresent();
        assertThat(h.engine.member("batch0-0")).isEmpty();
        assertThat(h.engine.memberCount()).isLessThanOrEqualTo(full);
        assertThat(h.engine.memberTableBytes()).isLessThanOrEqualTo(BUDGET_BYTES);
    }

    @Test
    void growingTheMetadataOfAKnownMemberIsHeldToTheBudgetToo() {
        EngineHarness h = new EngineHarness(CONFIG, 1).started();
        List<PushNodeState> small = new ArrayList<>();
        int n = (int) (BUDGET_BYTES / MemberFootprint.bytes("m-000", Bytes.EMPTY)) - 2;
        for (int i = 0; i < n; i++) {
            small.add(new PushNodeState(String.format("m-%03d", i), Endpoint.of(new byte[] {10, 8, (byte) (i >>> 8), (byte) i}, 7946),
                    Bytes.EMPTY, 1, MemberState.ALIVE, VersionVector.ROLLCALL));
        }
        for (int from = 0; from < n; from += n / 4) {
            h.engine.handleStream(addr(2), new PushPull(false, small.subList(from, Math.min(n, from + n / 4)), Bytes.EMPTY));
        }
        long before = h.engine.memberTableBytes();
        for (int i = 0; i < n; i++) {
            h.receive(2, new Alive(2, String.format("m-%03d", i), small.get(i).address(), meta(511, (byte) 'y'),
                    VersionVector.ROLLCALL));
        }
        assertThat(h.engine.memberTableBytes()).isBetween(before, BUDGET_BYTES);
        assertThat(h.engine.counters().dropped(DropReason.TABLE_FULL)).isPositive();
    }

    @Test
    void manyTinyTagsCostMoreThanOneLongOne() {
        byte[] tags = new byte[4 + 127 * 4];
        tags[0] = (byte) 0xFF;
        tags[1] = (byte) 0xDE;
        tags[3] = 127;
        for (int i = 0; i < 127; i++) {
            tags[4 + i * 4] = (byte) 0xA2;
            tags[5 + i * 4] = (byte) ('A' + i / 26);
            tags[6 + i * 4] = (byte) ('a' + i % 26);
            tags[7 + i * 4] = (byte) 0xA0;
        }
        assertThat(MemberFootprint.tagCount(Bytes.of(tags))).isEqualTo(127);
        assertThat(MemberFootprint.tagCount(meta(511, (byte) 'x'))).isEqualTo(1);
        // A claim of more tags than the bytes can hold counts as what they can hold.
        assertThat(MemberFootprint.tagCount(Bytes.of(new byte[] {(byte) 0xFF, (byte) 0xDF, 127, 0, 0, 0}))).isEqualTo(3);
        assertThat(MemberFootprint.bytes("a", Bytes.of(tags))).isGreaterThan(4 * MemberFootprint.bytes("a", meta(511, (byte) 'x')));
    }
}
