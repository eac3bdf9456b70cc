package io.rollcall;

import static io.rollcall.LoopbackNodes.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The defects a user of the library met (issue 18), each as it was met. These tests use only the API
 * the library had then, so they were run against the old code too: each failed there.
 */
class RollcallDefectsTest {
    private final LoopbackNodes nodes = new LoopbackNodes();

    @AfterEach
    void closeAll() {
        nodes.close();
    }

    private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
        return future.handle((ok, e) -> e == null ? null : e.getCause() != null && e instanceof java.util.concurrent.CompletionException
                ? e.getCause() : e).get(10, TimeUnit.SECONDS);
    }

    /** Defect 1: the engine finished the join inside join(), before the transport had registered it. */
    @Test
    void joiningThroughOnlyItselfFailsWithAJoinExceptionInsteadOfHanging() throws Exception {
        Rollcall a = nodes.node("self-seeded");
        Throwable failure = failureOf(a.join(List.of(a.address())));
        assertThat(failure).isInstanceOf(JoinException.class).hasMessageContaining("own address");
    }

    /** Defect 2: a dependent stage ran on the protocol thread. */
    @Test
    void futuresCompleteOffTheProtocolThread() throws Exception {
        Rollcall a = nodes.node("off-a");
        Rollcall b = nodes.node("off-b");
        String joinThread = b.join(List.of(a.address())).thenApply(n -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
        String metadataThread = b.updateMetadata(java.util.Map.of("k", "v")).thenApply(v -> Thread.currentThread().getName())
                .get(10, TimeUnit.SECONDS);
        assertThat(List.of(joinThread, metadataThread)).noneMatch(name -> name.contains("-protocol"));
    }

    /** Defect 2: {@code join().thenRun(node::close)} made the others see the node failed, not left. */
    @Test
    void closingFromAJoinCallbackLeavesGracefully() throws Exception {
        Rollcall a = nodes.node("cb-a");
        Rollcall b = nodes.node("cb-b");
        CompletableFuture<Void> closed = b.join(List.of(a.address())).thenRun(b::close);
        closed.get(20, TimeUnit.SECONDS);
        await("a has a verdict on b", () -> a.view().member("cb-b").map(m -> !m.isReachable()).orElse(false));
        assertThat(a.view().member("cb-b")).get().extracting(ClusterMember::status).isEqualTo(MemberStatus.LEFT);
    }

    /** Defect 2: a dependent stage that blocks must not get the healthy node suspected. */
    @Test
    void aBlockingCallbackDoesNotStallTheProtocol() throws Exception {
        Rollcall a = nodes.node("slowcb-a");
        Rollcall b = nodes.node("slowcb-b");
        CompletableFuture<Void> blocked = new CompletableFuture<>();
        b.join(List.of(a.address())).thenAccept(n -> {
            try {
                blocked.get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            await("a sees b", () -> a.view().member("slowcb-b").isPresent());
            // Several probe periods of the LOCAL profile (1 s): a stalled b would be suspected.
            List<MemberStatus> seen = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                a.view().member("slowcb-b").ifPresent(m -> seen.add(m.status()));
                Thread.sleep(200);
            }
            assertThat(seen).containsOnly(MemberStatus.ALIVE);
            // And b's protocol answers its own callers while its callback blocks.
            assertThat(b.health().score()).isZero();
        } finally {
            blocked.complete(null);
        }
    }

    /** Defect 3: a pending {@code whenReachable} never completed when the node closed. */
    @Test
    void closeFailsAPendingWhenReachable() throws Exception {
        Rollcall a = nodes.node("pending-a");
        CompletableFuture<ClusterMember> ghost = a.whenReachable("ghost");
        a.close();
        assertThat(failureOf(ghost)).isInstanceOf(IllegalStateException.class).hasMessageContaining("ghost");
    }

    /** Defect 4: a listener that threw an Error lost its subscription. */
    @Test
    void aListenerThatThrowsAnErrorKeepsItsSubscription() throws Exception {
        Rollcall a = nodes.node("err-a");
        AtomicInteger calls = new AtomicInteger();
        RecordingListener after = new RecordingListener();
        a.subscribe(new MembershipListener() {
            @Override
            public void onSnapshot(MembershipView view, boolean resync) {
                calls.incrementAndGet();
                throw new AssertionError("a test's failed assertion");
            }

            @Override
            public void onChange(MembershipChange change) {
                after.onChange(change);
            }
        });
        await("the snapshot was delivered", () -> calls.get() == 1);
        nodes.node("err-b").join(List.of(a.address())).get(10, TimeUnit.SECONDS);
        await("the listener still receives changes", () -> after.kindsFor("err-b").contains(ChangeKind.JOINED));
    }

    /** Defect 5: null arguments failed late and deep, or never. */
    @Test
    void nullArgumentsAreRefusedAtOnceNamingTheArgument() throws Exception {
        Rollcall a = nodes.node("nulls");
        assertThatThrownBy(() -> a.subscribe(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("listener");
        assertThatThrownBy(() -> a.whenReachable(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("memberName");
        assertThatThrownBy(() -> a.join(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("seeds");
        List<java.net.InetSocketAddress> withNull = new ArrayList<>();
        withNull.add(null);
        assertThatThrownBy(() -> a.join(withNull)).isInstanceOf(NullPointerException.class).hasMessageContaining("seed");
        assertThatThrownBy(() -> a.leave(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("timeout");
        assertThatThrownBy(() -> a.updateMetadata(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("metadata");
        assertThatThrownBy(() -> a.onKeyringChange(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("listener");
        assertThatThrownBy(() -> RollcallConfig.builder("x").tcpTimeout(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("tcpTimeout");
    }

    /** Defect 6: after close, each read failed in its own way. */
    @Test
    void afterCloseReadsAnswerFromTheLastStateAndCommandsFail() throws Exception {
        Rollcall a = nodes.node("after-a");
        nodes.node("after-b").join(List.of(a.address())).get(10, TimeUnit.SECONDS);
        await("a sees b", () -> a.view().reachable().size() == 2);
        a.close();
        MembershipView last = a.view();
        assertThat(last.member("after-b")).isPresent();
        assertThat(a.health()).isNotNull();
        assertThat(a.changesSince(last.version()).isComplete()).isTrue();
        RecordingListener late = new RecordingListener();
        a.subscribe(late);
        await("a late subscriber gets the last view", () -> !late.snapshots().isEmpty());
        assertThat(late.snapshots().get(0).version()).isEqualTo(last.version());
        assertThat(failureOf(a.join(List.of(a.address())))).isInstanceOf(IllegalStateException.class).hasMessage("node is closed");
        assertThat(failureOf(a.updateMetadata(java.util.Map.of()))).isInstanceOf(IllegalStateException.class);
        assertThat(failureOf(a.whenReachable("after-b"))).isInstanceOf(IllegalStateException.class);
    }

    /** Defect 6: a negative leave timeout was accepted. */
    @Test
    void aNegativeLeaveTimeoutIsRefused() throws Exception {
        Rollcall a = nodes.node("negative");
        assertThatThrownBy(() -> a.leave(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be negative");
    }

    /** Defect 6: validation named the engine's fields instead of the builder's settings. */
    @Test
    void validationNamesTheSettingTheUserSet() {
        assertThatThrownBy(() -> RollcallConfig.builder("x").tcpTimeout(Duration.ofSeconds(-5)).build())
                .hasMessage("tcpTimeout must be positive, got -5000 ms");
        assertThatThrownBy(() -> RollcallConfig.builder("x").probeInterval(Duration.ofMillis(100))
                .probeTimeout(Duration.ofMillis(200)).build())
                .hasMessage("probeTimeout (200 ms) must be less than probeInterval (100 ms)");
        assertThatThrownBy(() -> RollcallConfig.builder("x").suspicionMultiplier(0).build())
                .hasMessage("suspicionMultiplier must be positive, got 0");
    }

    /** Defect 6: cancel() on a join future is documented to stop only the wait. */
    @Test
    void cancellingAJoinStopsTheWaitNotTheJoin() throws Exception {
        Rollcall a = nodes.node("cancel-a");
        Rollcall b = nodes.node("cancel-b");
        CompletableFuture<Integer> join = b.join(List.of(a.address()));
        join.cancel(false);
        assertThat(join).isCancelled();
        assertThatThrownBy(() -> join.get(1, TimeUnit.SECONDS)).isInstanceOf(java.util.concurrent.CancellationException.class);
        await("the join went on", () -> a.view().member("cancel-b").isPresent());
    }
}
