package io.rollcall;

import static io.rollcall.LoopbackNodes.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Delivery on the user's executor, the Flow publisher and its back-pressure rule, and the lifecycle. */
class RollcallStreamsTest {
    private final LoopbackNodes nodes = new LoopbackNodes();
    private final List<ExecutorService> executors = new ArrayList<>();

    @AfterEach
    void closeAll() {
        nodes.close();
        executors.forEach(ExecutorService::shutdownNow);
    }

    private ExecutorService namedThread(String name) {
        ExecutorService e = Executors.newSingleThreadExecutor(r -> new Thread(r, name));
        executors.add(e);
        return e;
    }

    /** A Flow subscriber that records what it gets and requests only when told. */
    private static final class RecordingSubscriber implements Flow.Subscriber<MembershipUpdate> {
        final List<MembershipUpdate> items = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final CountDownLatch completed = new CountDownLatch(1);
        volatile Throwable error;
        volatile Flow.Subscription subscription;
        private final long initialDemand;

        RecordingSubscriber(long initialDemand) {
            this.initialDemand = initialDemand;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(initialDemand);
        }

        @Override
        public void onNext(MembershipUpdate item) {
            threads.add(Thread.currentThread().getName());
            items.add(item);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onComplete() {
            completed.countDown();
        }

        long lastVersion() {
            return items.isEmpty() ? -1 : items.get(items.size() - 1).version();
        }

        /** Every change follows the item before it by exactly one version; views may jump. */
        List<String> gaps() {
            List<String> gaps = new ArrayList<>();
            for (int i = 1; i < items.size(); i++) {
                if (items.get(i) instanceof MembershipChange c && c.version() != items.get(i - 1).version() + 1) {
                    gaps.add(items.get(i - 1).version() + " -> " + c.version());
                }
            }
            return gaps;
        }
    }

    @Test
    void listenersRunOnTheExecutorGiven() throws Exception {
        Rollcall a = nodes.node("exec-a");
        List<String> threads = new CopyOnWriteArrayList<>();
        RecordingListener record = new RecordingListener();
        a.subscribe(new MembershipListener() {
            @Override
            public void onSnapshot(MembershipView view, boolean resync) {
                threads.add(Thread.currentThread().getName());
                record.onSnapshot(view, resync);
            }

            @Override
            public void onChange(MembershipChange change) {
                threads.add(Thread.currentThread().getName());
                record.onChange(change);
            }
        }, namedThread("users-own-thread"));
        nodes.node("exec-b").join(List.of(a.address())).get(10, TimeUnit.SECONDS);
        await("the join was delivered", () -> record.kindsFor("exec-b").contains(ChangeKind.JOINED));
        assertThat(threads).containsOnly("users-own-thread");
        assertThat(record.gaps()).isEmpty();
    }

    @Test
    void futuresCompleteOnTheConfiguredCallbackExecutor() throws Exception {
        Rollcall a = nodes.node("cbexec-a");
        Rollcall b = nodes.node(RollcallConfig.builder("cbexec-b").bind("127.0.0.1:0").profile(Profile.LOCAL)
                .callbackExecutor(namedThread("users-callbacks")));
        String thread = b.join(List.of(a.address())).thenApply(n -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
        assertThat(thread).isEqualTo("users-callbacks");
    }

    @Test
    void aFlowSubscriberGetsTheViewThenEveryChangeThenCompletion() throws Exception {
        Rollcall a = nodes.node("flow-a");
        RecordingSubscriber s = new RecordingSubscriber(Long.MAX_VALUE);
        a.changes(namedThread("flow-thread")).subscribe(s);
        await("the first view", () -> !s.items.isEmpty());
        assertThat(s.items.get(0)).isInstanceOf(MembershipView.class);
        nodes.node("flow-b").join(List.of(a.address())).get(10, TimeUnit.SECONDS);
        await("flow-b joined", () -> s.items.stream().anyMatch(u -> u instanceof MembershipChange c
                && c.member().name().equals("flow-b") && c.kind() == ChangeKind.JOINED));
        a.close();
        assertThat(s.completed.await(10, TimeUnit.SECONDS)).as("onComplete").isTrue();
        assertThat(s.gaps()).isEmpty();
        assertThat(s.threads).containsOnly("flow-thread");
        assertThat(s.error).isNull();
    }

    @Test
    void aFlowSubscriberGetsNoMoreThanItRequestedAndIsResynchronisedWhenFarBehind() throws Exception {
        Rollcall a = nodes.node(RollcallConfig.builder("bp-a").bind("127.0.0.1:0").profile(Profile.LOCAL).subscriberBufferSize(2));
        RecordingSubscriber s = new RecordingSubscriber(1);
        a.changes().subscribe(s);
        await("the first view", () -> s.items.size() == 1);
        for (int i = 0; i < 4; i++) {
            nodes.node("bp-b" + i).join(List.of(a.address())).get(10, TimeUnit.SECONDS);
        }
        await("a sees five", () -> a.view().reachable().size() == 5);
        Thread.sleep(200);
        assertThat(s.items).as("nothing beyond the demand of one").hasSize(1);
        long current = a.view().version();
        s.subscription.request(Long.MAX_VALUE);
        await("caught up to version " + current, () -> s.lastVersion() >= current);
        assertThat(s.items.subList(1, s.items.size())).as("far behind: a fresh view replaced the buffer")
                .first().isInstanceOf(MembershipView.class);
        assertThat(s.items.size()).as("at most the buffer's worth besides the two views").isLessThanOrEqualTo(4);
        assertThat(s.gaps()).isEmpty();
    }

    @Test
    void aNonPositiveRequestIsAnError() throws Exception {
        Rollcall a = nodes.node("bad-request");
        RecordingSubscriber s = new RecordingSubscriber(0);
        a.changes().subscribe(s);
        await("onError", () -> s.error != null);
        assertThat(s.error).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3.9");
        assertThat(s.items).isEmpty();
        assertThatThrownBy(() -> a.changes().subscribe(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void closeEndsEveryListenerStream() throws Exception {
        Rollcall a = nodes.node("end-a");
        CountDownLatch ended = new CountDownLatch(1);
        a.subscribe(new MembershipListener() {
            @Override
            public void onSnapshot(MembershipView view, boolean resync) {
            }

            @Override
            public void onChange(MembershipChange change) {
            }

            @Override
            public void onClosed() {
                ended.countDown();
            }
        });
        a.close();
        assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
        RecordingSubscriber late = new RecordingSubscriber(Long.MAX_VALUE);
        a.changes().subscribe(late);
        assertThat(late.completed.await(10, TimeUnit.SECONDS)).as("a late subscriber: the last view, then the end").isTrue();
        assertThat(late.items).singleElement().isInstanceOf(MembershipView.class);
    }

    @Test
    void abortStopsWithoutLeavingAndCloseLeaves() throws Exception {
        Rollcall a = nodes.node("abort-a");
        Rollcall crashed = nodes.node("abort-b");
        Rollcall leaver = nodes.node("abort-c");
        crashed.join(List.of(a.address())).get(10, TimeUnit.SECONDS);
        leaver.join(List.of(a.address())).get(10, TimeUnit.SECONDS);
        await("a sees three", () -> a.view().reachable().size() == 3);
        assertThatThrownBy(() -> leaver.close(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(leaver.isClosed()).isFalse();
        crashed.abort();
        leaver.close(Duration.ofSeconds(2));
        assertThat(crashed.isClosed()).isTrue();
        assertThat(leaver.isClosed()).isTrue();
        crashed.abort();
        crashed.close();
        await("b failed and c left, at a", () -> a.view().member("abort-b").map(m -> m.status() == MemberStatus.FAILED).orElse(false)
                && a.view().member("abort-c").map(m -> m.status() == MemberStatus.LEFT).orElse(false));
    }
}
