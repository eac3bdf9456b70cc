package io.rollcall.core.transport;

import io.rollcall.core.Eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProtocolLoopTest {
    private record Key(String kind, int n) {
    }

    @Test
    void aCancelledTimerNeverRunsAndLeavesTheHeapAtOnce() throws Exception {
        ProtocolLoop loop = new ProtocolLoop("test-protocol", 16, 4, SystemClock.INSTANCE);
        loop.start();
        try {
            List<String> ran = new CopyOnWriteArrayList<>();
            int pending = loop.call(() -> {
                loop.schedule(30, new Key("timeout", 1), () -> ran.add("timeout-1"));
                loop.schedule(30, new Key("timeout", 2), () -> ran.add("timeout-2"));
                loop.schedule(30, new Key("deadline", 1), () -> ran.add("deadline-1"));
                loop.schedule(30, new Key("timeout", 1), () -> ran.add("timeout-1 again"));
                loop.schedule(40, () -> ran.add("unkeyed"));
                // Due after all of them: once it has run, a cancelled timer that still fired would have fired too.
                loop.schedule(60, () -> ran.add("last"));
                // Equal keys are the same timer: both go; other keys and unkeyed tasks stay.
                loop.cancel(new Key("timeout", 1));
                return loop.scheduledCount();
            }).get(5, TimeUnit.SECONDS);
            assertThat(pending).isEqualTo(4);
            Eventually.await("the last task ran", 5_000, () -> ran.contains("last"), ran::toString);
            assertThat(ran).containsExactlyInAnyOrder("timeout-2", "deadline-1", "unkeyed", "last");
            assertThat(loop.call(loop::scheduledCount).get(5, TimeUnit.SECONDS)).isZero();
        } finally {
            loop.stop(2_000);
        }
    }
}
