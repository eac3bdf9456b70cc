package io.rollcall;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Real nodes on loopback: a crashed member's failure can be asked about ({@link Rollcall#history}),
 * is streamed to {@link DecisionListener}s as it is decided, and is told as text by
 * {@link DecisionAccount}.
 */
class DecisionHistoryTest {

    @Test
    void aCrashedMembersFailureIsRecordedWithItsSuspicionStreamedAndExplained() throws Exception {
        try (LoopbackNodes nodes = new LoopbackNodes()) {
            Rollcall a = nodes.node("a");
            Rollcall b = nodes.node("b");
            Rollcall c = nodes.node("c");
            b.join(List.of(a.address())).get();
            c.join(List.of(a.address())).get();
            LoopbackNodes.await("three reachable everywhere",
                    () -> nodes.all().stream().allMatch(n -> n.view().reachable().size() == 3));
            assertThat(a.history("c")).as("no decision while all are healthy").isEmpty();
            List<String> streamed = new CopyOnWriteArrayList<>();
            Subscription sub = a.subscribeDecisions((member, d) -> streamed.add(member + ":" + d.getClass().getSimpleName()));
            try {
                c.abort();
                LoopbackNodes.await("a holds c failed", () -> a.view().member("c")
                        .map(m -> m.status() == MemberStatus.FAILED).orElse(false));
                List<Decision> history = a.history("c");
                assertThat(history).last().isInstanceOf(Decision.Failed.class);
                Decision.Failed failed = (Decision.Failed) history.get(history.size() - 1);
                if (failed.declaredHere()) {
                    assertThat(history).anySatisfy(d -> assertThat(d).isInstanceOf(Decision.Suspected.class));
                    assertThat(failed.suspectedAt()).isBefore(failed.at());
                    assertThat(Duration.between(failed.suspectedAt(), failed.at())).isGreaterThanOrEqualTo(failed.timeout());
                } else {
                    assertThat(failed.declaredBy()).isEqualTo("b");
                    assertThat(failed.learnedFrom()).isEqualTo(b.address());
                }
                LoopbackNodes.await("the failure streamed to the listener", () -> streamed.contains("c:Failed"));
                String account = DecisionAccount.explain("c", history);
                assertThat(account).startsWith("c failed at ");
                assertThat(account.lines().count()).isEqualTo(1 + history.size());
            } finally {
                sub.close();
            }
            assertThat(a.history("nobody")).isEmpty();
        }
    }

    @Test
    void theAccountTellsWhoSuspectedOnWhatWhoConfirmedAndHowTheTimeoutShrank() {
        Instant t0 = Instant.parse("2026-12-08T10:02:03.100Z");
        InetSocketAddress n3 = new InetSocketAddress("127.0.0.3", 7946);
        List<Decision> history = List.of(
                new Decision.Suspected(t0, 4, Decision.Via.GOSSIP, "n3", n3, null, Duration.ofSeconds(48),
                        Duration.ofSeconds(8), 2),
                new Decision.Confirmed(t0.plusMillis(200), 4, Decision.Via.GOSSIP, "n5",
                        new InetSocketAddress("127.0.0.5", 7946), null, 1, 2, Duration.ofMillis(20_100), Duration.ofSeconds(48)),
                new Decision.Confirmed(t0.plusMillis(400), 4, Decision.Via.OUR_PROBE, "self", null,
                        new Decision.ProbeEvidence(t0.plusMillis(300), Decision.DirectResult.NO_ACK,
                                List.of(new Decision.Helper("n6", new InetSocketAddress("127.0.0.6", 7946), Decision.HelperAnswer.NACK)),
                                true, 1, Duration.ofSeconds(2)),
                        2, 2, Duration.ofSeconds(8), Duration.ofMillis(20_100)),
                new Decision.Failed(t0.plusSeconds(8), 4, Decision.Via.OUR_SUSPICION_TIMEOUT, "self", null, t0, 2,
                        Duration.ofSeconds(8)));
        String account = DecisionAccount.explain("n9", history);
        assertThat(account.lines().findFirst().orElseThrow()).isEqualTo("n9 failed at 2026-12-08T10:02:11.100Z: suspected by n3"
                + " at 2026-12-08T10:02:03.100Z (told by 127.0.0.3:7946); confirmed by n5, us; timeout 8.0 s, shortened from 48.0 s");
        assertThat(account).contains("confirmed (2 of 2) by us: no direct ack within 2.0 s, 1 indirect probe (n6 nack),"
                + " TCP ping unanswered; our health score 1; timeout 20.1 s -> 8.0 s");
        assertThat(account).contains("declared failed here: the suspicion from 2026-12-08T10:02:03.100Z ran its 8.0 s timeout"
                + " with 2 confirmations");
        assertThat(DecisionAccount.headline("n9", List.of())).contains("no decisions recorded");
    }
}
