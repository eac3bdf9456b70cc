package io.rollcall.core.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.engine.EngineConfig;
import io.rollcall.core.serf.SerfAgent;
import io.rollcall.core.transport.TransportConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20: a conflicting name is settled by Serf's vote in both directions. A Serf newcomer takes
 * the name of a Rollcall member and joins through it: the newcomer asks its vote and loses (our seed
 * answers where the name really is), and our member asks its own vote, as a Serf agent would, and wins.
 */
class NameConflictVoteTest {
    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private LiveNode node(String name) throws Exception {
        LiveNode n = LiveNode.start(new LiveNode.Spec(name, Bytes.EMPTY, 1, EngineConfig.lan(),
                TransportConfig.of(Endpoint.parse("127.0.0.1:" + SerfAgent.freePort("127.0.0.1"), 0)), true, null));
        open.add(n);
        return n;
    }

    @Test
    void aSerfNewcomerWithOurNameLosesItsVoteAndOursIsWon() throws Exception {
        assumeTrue(SerfAgent.installed(), "serf is not installed");
        LiveNode seed = node("s");
        LiveNode holder = node("x");
        assertThat(holder.join(List.of(seed.address())).get(15, TimeUnit.SECONDS).succeeded()).isEqualTo(1);
        SerfAgent newcomer = SerfAgent.start(dir, "x", "127.0.0.1", holder.address().toString(), Map.of());
        open.add(newcomer);
        await("our vote is won", 30_000, () -> holder.conflictVotes().won() == 1,
                () -> holder.conflictVotes() + "\n" + newcomer.logText());
        await("the newcomer lost its vote", 30_000, () -> newcomer.logText().contains("minority in name conflict resolution"),
                newcomer::logText);
        assertThat(holder.conflictVotes()).isEqualTo(new ConflictVotes(1, 0));
        assertThat(newcomer.logText()).containsPattern("minority in name conflict resolution.*\\[0 / 1\\]");
    }

    @Test
    void aRollcallNewcomerWithASerfAgentsNameIsRefusedAndLosesItsVote() throws Exception {
        assumeTrue(SerfAgent.installed(), "serf is not installed");
        LiveNode seed = node("s");
        SerfAgent holder = SerfAgent.start(dir, "y", "127.0.0.1", seed.address().toString(), Map.of());
        open.add(holder);
        await("the seed holds y", 20_000, () -> seed.call(e -> e.member("y").isPresent()).join(), holder::logText);
        LiveNode newcomer = node("y");
        var joined = newcomer.join(List.of(seed.address())).get(15, TimeUnit.SECONDS);
        assertThat(joined.succeeded()).isZero();
        // Told twice: the join names the holder's address, and the vote (the seed's answer) goes against us.
        await("the newcomer lost its vote", 30_000, () -> newcomer.conflictVotes().lost() == 1,
                () -> newcomer.conflictVotes() + "\n" + holder.logText());
        assertThat(newcomer.conflictVotes().won()).isZero();
        assertThat(holder.isAlive()).as(holder.logText()).isTrue();
        assertThat(holder.logText()).doesNotContain("minority");
    }

    @Test
    void withSerfSemanticsOffNoVoteIsAsked() throws Exception {
        LiveNode plain = LiveNode.start(new LiveNode.Spec("p", Bytes.EMPTY, 1, EngineConfig.lan(),
                TransportConfig.of(Endpoint.parse("127.0.0.1:" + SerfAgent.freePort("127.0.0.1"), 0)), false, null));
        open.add(plain);
        assertThat(plain.conflictVotes()).isEqualTo(new ConflictVotes(0, 0));
    }

    private static void await(String what, long millis, BooleanSupplier ok, Supplier<String> seen) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            if (ok.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within " + millis + " ms: " + what + "; seen: " + seen.get());
    }
}
