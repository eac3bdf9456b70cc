package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.UserEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Serf's user-event coalescing and handler filters, with the clock given. */
class UserEventCoalescerTest {
    private static UserEvent e(String name, long ltime) {
        return new UserEvent(name, new byte[0], ltime, true);
    }

    @Test
    void onlyTheNewestTimeOfEachNameIsReleasedOneSecondAfterTheLastEvent() {
        UserEventCoalescer c = new UserEventCoalescer();
        assertThat(c.hold(e("deploy", 1), 0)).isTrue();
        assertThat(c.hold(e("deploy", 3), 400)).isTrue();
        assertThat(c.hold(e("deploy", 2), 500)).isTrue();
        assertThat(c.hold(e("other", 2), 600)).isTrue();
        assertThat(c.releaseIfDue(1_599)).isEmpty();
        assertThat(c.millisUntilDue(1_599)).isEqualTo(1);
        assertThat(c.releaseIfDue(1_600)).containsExactly(e("deploy", 3), e("other", 2));
        assertThat(c.millisUntilDue(1_600)).isEqualTo(-1);
    }

    @Test
    void aSteadyStreamIsReleasedThreeSecondsAfterTheFirstEvent() {
        UserEventCoalescer c = new UserEventCoalescer();
        for (long t = 0; t < 3_000; t += 500) {
            c.hold(e("tick", t + 1), t);
            assertThat(c.releaseIfDue(t)).isEmpty();
        }
        assertThat(c.releaseIfDue(3_000)).containsExactly(e("tick", 2_501));
    }

    @Test
    void handlerFiltersFollowSerfsSyntaxAndACommandWithAnEqualsSignStaysWhole() {
        EventHandlers.Handler deploy = EventHandlers.Handler.parse("member-join,user:deploy=run.sh");
        assertThat(deploy.command()).isEqualTo("run.sh");
        assertThat(deploy.wants(new EventHandlers.UserItem(e("deploy", 1)))).isTrue();
        assertThat(deploy.wants(new EventHandlers.UserItem(e("other", 1)))).isFalse();
        assertThat(deploy.wantsType("query")).isFalse();
        EventHandlers.Handler plain = EventHandlers.Handler.parse("echo a=b");
        assertThat(plain.command()).isEqualTo("echo a=b");
        assertThat(plain.filters()).isEqualTo(List.of("*"));
        assertThat(EventHandlers.Handler.parse("query:uptime=uptime").wantsType("query")).isTrue();
    }
}
