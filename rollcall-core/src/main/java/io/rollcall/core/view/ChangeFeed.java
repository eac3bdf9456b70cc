package io.rollcall.core.view;

import io.rollcall.Catchup;
import io.rollcall.ClusterMember;
import io.rollcall.MembershipChange;
import io.rollcall.MembershipListener;
import io.rollcall.MembershipUpdate;
import io.rollcall.MembershipView;
import io.rollcall.Subscription;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The subscription side of a node, shared by the real node and the test kit's: views, catch-up,
 * listeners, Flow subscribers and {@code whenReachable}, over one {@link ViewTracker}. The tracker
 * belongs to the thread that owns the engine; {@link Owner} runs work there. After {@link #end()} the
 * owner is gone and the tracker, no longer changing, is read directly.
 */
public final class ChangeFeed {
    /** Runs work on the thread that owns the tracker and returns its result. */
    @FunctionalInterface
    public interface Owner {
        /**
         * @param work what to run
         * @param <T>  its result type
         * @return its result
         * @throws IllegalStateException if the owner has stopped
         */
        <T> T call(Supplier<T> work);
    }

    private final ViewTracker tracker;
    private final Owner owner;
    private final int bufferSize;
    private final String threadPrefix;
    private final Executor defaultExecutor;
    private final Set<SubscriberChannel> channels = ConcurrentHashMap.newKeySet();
    private final AtomicInteger subscriptions = new AtomicInteger();
    private volatile boolean ended;

    /**
     * @param tracker      the view
     * @param owner        runs work on the tracker's thread
     * @param bufferSize   items buffered per subscriber before a resync
     * @param threadPrefix delivery threads are named {@code <prefix>-subscriber-<n>}
     * @param defaultExecutor runs deliveries of subscriptions given no executor; null for a thread
     *                        of each subscription's own
     */
    public ChangeFeed(ViewTracker tracker, Owner owner, int bufferSize, String threadPrefix, Executor defaultExecutor) {
        this.defaultExecutor = defaultExecutor;
        this.tracker = tracker;
        this.owner = owner;
        this.bufferSize = bufferSize;
        this.threadPrefix = threadPrefix;
    }

    /** @return the view now, or the last one after {@link #end()} */
    public MembershipView view() {
        return read(tracker::snapshot);
    }

    /**
     * @param version a version the caller has seen
     * @return what {@link ViewTracker#since} says
     */
    public Catchup since(long version) {
        return read(() -> tracker.since(version));
    }

    /**
     * @param listener the listener
     * @param executor runs deliveries, or null for a thread of the subscription's own
     * @return the subscription
     */
    public Subscription subscribe(MembershipListener listener, Executor executor) {
        Objects.requireNonNull(listener, "listener");
        return open(new SubscriberChannel.Sink() {
            @Override
            public void onSnapshot(MembershipView view, boolean resync) {
                listener.onSnapshot(view, resync);
            }

            @Override
            public void onChange(MembershipChange change) {
                listener.onChange(change);
            }

            @Override
            public void onEnd() {
                listener.onClosed();
            }
        }, true, true, executor);
    }

    /**
     * @param executor runs the signals, or null for a thread per subscription
     * @return a Flow publisher of the changes
     */
    public Flow.Publisher<MembershipUpdate> publisher(Executor executor) {
        return subscriber -> {
            Objects.requireNonNull(subscriber, "subscriber");
            open(new SubscriberChannel.Sink() {
                @Override
                public void onStart(SubscriberChannel subscription) {
                    subscriber.onSubscribe(subscription);
                }

                @Override
                public void onSnapshot(MembershipView view, boolean resync) {
                    subscriber.onNext(view);
                }

                @Override
                public void onChange(MembershipChange change) {
                    subscriber.onNext(change);
                }

                @Override
                public void onEnd() {
                    subscriber.onComplete();
                }

                @Override
                public void onInvalidRequest(IllegalArgumentException e) {
                    subscriber.onError(e);
                }
            }, false, false, executor);
        };
    }

    /**
     * @param memberName the member to wait for
     * @return completes when it is reachable; fails if the feed ends first
     */
    public CompletableFuture<ClusterMember> whenReachable(String memberName) {
        Objects.requireNonNull(memberName, "memberName");
        CompletableFuture<ClusterMember> result = new CompletableFuture<>();
        if (ended) {
            return CompletableFuture.failedFuture(new IllegalStateException("node is closed"));
        }
        Subscription subscription = subscribe(new MembershipListener() {
            @Override
            public void onSnapshot(MembershipView view, boolean resync) {
                view.member(memberName).filter(ClusterMember::isReachable).ifPresent(result::complete);
            }

            @Override
            public void onChange(MembershipChange change) {
                if (change.member().name().equals(memberName) && change.member().isReachable()) {
                    result.complete(change.member());
                }
            }

            @Override
            public void onClosed() {
                result.completeExceptionally(new IllegalStateException("node closed before " + memberName + " became reachable"));
            }
        }, null);
        // Closing from the delivery thread itself is allowed; it only stops further delivery.
        result.whenComplete((member, failure) -> subscription.close());
        return result;
    }

    /**
     * The node stopped: every subscriber receives what is buffered and then the end of its stream.
     * Call it once the owner thread has stopped, so that nothing is published any more.
     */
    public void end() {
        ended = true;
        for (SubscriberChannel c : List.copyOf(channels)) {
            c.end();
        }
    }

    /** @return true once {@link #end()} was called */
    public boolean ended() {
        return ended;
    }

    private SubscriberChannel open(SubscriberChannel.Sink sink, boolean unboundedDemand, boolean keepAfterFailure,
                                   Executor given) {
        Executor executor = given == null ? defaultExecutor : given;
        String threadName = threadPrefix + "-subscriber-" + subscriptions.incrementAndGet();

        SubscriberChannel[] holder = new SubscriberChannel[1];
        Runnable onClose = () -> unsubscribe(holder[0]);
        SubscriberChannel channel = null;
        if (!ended) {
            try {
                channel = owner.call(() -> {
                    SubscriberChannel c = new SubscriberChannel(sink, bufferSize, tracker.snapshot(), unboundedDemand,
                            keepAfterFailure, executor, threadName, onClose);
                    tracker.add(c);
                    return c;
                });
            } catch (IllegalStateException stopped) {
                channel = null;
            }
        }
        boolean late = channel == null;
        if (late) {
            // The node has stopped: the last view, then the end of the stream.
            MembershipView last;
            synchronized (tracker) {
                last = tracker.snapshot();
            }
            channel = new SubscriberChannel(sink, bufferSize, last, unboundedDemand, keepAfterFailure,
                    executor, threadName, onClose);
        }
        holder[0] = channel;
        channels.add(channel);
        if (late || ended) {
            channel.end();
        }
        channel.start();
        return channel;
    }

    private void unsubscribe(SubscriberChannel channel) {
        if (channel == null) {
            return;
        }
        channels.remove(channel);
        if (!ended) {
            try {
                owner.call(() -> {
                    tracker.remove(channel);
                    return null;
                });
            } catch (IllegalStateException stopped) {
                // The owner is gone; nothing publishes to the channel any more.
            }
        }
    }

    private <T> T read(Supplier<T> query) {
        if (!ended) {
            try {
                return owner.call(query);
            } catch (IllegalStateException stopped) {
                if (!ended) {
                    throw stopped;
                }
            }
        }
        // Ended: the owner thread has stopped, so nothing changes the tracker any more.
        synchronized (tracker) {
            return query.get();
        }
    }
}
