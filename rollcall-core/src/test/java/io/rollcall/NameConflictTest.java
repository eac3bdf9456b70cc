package io.rollcall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 17: a node started with a name a live member holds elsewhere learns it, and nobody is fooled. */
class NameConflictTest {
    private final List<Rollcall> nodes = new ArrayList<>();

    @AfterEach
    void closeAll() {
        nodes.forEach(Rollcall::close);
    }

    private Rollcall node(String name) throws IOException {
        Rollcall r = Rollcall.start(RollcallConfig.builder(name).bind("127.0.0.1:0").profile(Profile.LOCAL).build());
        nodes.add(r);
        return r;
    }

    @Test
    void aJoinWithANameALiveMemberHoldsFailsNamingItsAddress() throws Exception {
        Rollcall seed = node("seed");
        Rollcall holder = node("b");
        assertThat(holder.join(List.of(seed.address())).get(10, TimeUnit.SECONDS)).isEqualTo(1);
        Rollcall impostor = node("b");

        assertThatThrownBy(() -> impostor.join(List.of(seed.address())).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOf(JoinException.class)
                .hasMessageContaining("127.0.0.1:" + holder.address().getPort())
                .satisfies(e -> assertThat(((JoinException) e).allFailedBecause(JoinException.Reason.NAME_CONFLICT)).isTrue());
        assertThat(impostor.discoveryCounters().nameConflicts()).isEqualTo(1);

        // The seed ignored the impostor's claim, said so once, and still holds the live member.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seed.discoveryCounters().nameConflicts() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(seed.discoveryCounters().nameConflicts()).isEqualTo(1);
        Thread.sleep(1_000);
        assertThat(seed.view().member("b").orElseThrow().address()).isEqualTo(holder.address());
        assertThat(seed.view().member("b").orElseThrow().isReachable()).isTrue();
        assertThat(holder.view().local().address()).isEqualTo(holder.address());
        assertThat(seed.discoveryCounters().nameConflicts()).as("reported once, however often the claim came").isEqualTo(1);
    }
}
