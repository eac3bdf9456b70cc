package io.rollcall.core.view;

import io.rollcall.MembershipChange;
import io.rollcall.MembershipView;
import io.rollcall.Subscription;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One subscriber's bounded buffer and its serial delivery on an executor (a thread of its own unless
 * the user gave one). The owner thread publishes without ever waiting; when the buffer is full, its
 * undelivered items are replaced by one snapshot. Deliveries of one channel never overlap, whatever
 * the executor, and never exceed the subscriber's demand (unbounded for listeners).
 */
public final class SubscriberChannel implements Subscription, Flow.Subscription {
    private static final System.Logger LOG = System.getLogger(SubscriberChannel.class.getName());
    /** How long {@link #close()} waits for a delivery in progress (another thread's). */
    private static final long CLOSE_WAIT_MILLIS = 2_000;

    /** What receives the items, in order, one at a time. */
    public interface Sink {
        /**
         * @param subscription the channel, first of all (a Flow subscriber's {@code onSubscribe})
         */
        default void onStart(SubscriberChannel subscription) {
        }

        /**
         * @param view   the view
         * @param resync true when it replaces items the subscriber fell too far behind to receive
         */
        void onSnapshot(MembershipView view, boolean resync);

        /** @param change the next change */
        void onChange(MembershipChange change);

        /** The stream ended because the node closed; nothing follows. */
        void onEnd();

        /** @param e an invalid request (Flow rule 3.9); the channel is already cancelled */
        default void onInvalidRequest(IllegalArgumentException e) {
        }
    }

    private record Snapshot(MembershipView view, boolean resync) {
    }

    private enum Marker { START, END }

    private final Sink sink;
    private final int capacity;
    private final boolean keepAfterFailure;
    private final Executor executor;
    private final ExecutorService ownThread;
    private final Runnable onClose;
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private long demand;
    private boolean closed;
    private boolean scheduled;
    private Thread deliverer;
    private long resyncs;
    private long failures;

    /**
     * @param sink             where items go
     * @param capacity         items buffered before the buffer is replaced by one snapshot
     * @param initial          the first snapshot
     * @param unboundedDemand  true for listeners; false for Flow subscribers, who request
     * @param keepAfterFailure true to log a sink that throws and go on; false to cancel it
     * @param executor         runs the deliveries; null for a thread of the channel's own
     * @param threadName       the name of that thread
     * @param onClose          run once when the channel closes or ends
     */
    public SubscriberChannel(Sink sink, int capacity, MembershipView initial, boolean unboundedDemand, boolean keepAfterFailure,
                             Executor executor, String threadName, Runnable onClose) {
        this.sink = sink;
        this.capacity = capacity;
        this.keepAfterFailure = keepAfterFailure;
        this.onClose = onClose;
        this.demand = unboundedDemand ? Long.MAX_VALUE : 0;
        if (executor == null) {
            this.ownThread = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
            });
            this.executor = ownThread;
        } else {
            this.ownThread = null;
            this.executor = executor;
        }
        if (!unboundedDemand) {
            queue.add(Marker.START);
        }
        queue.add(new Snapshot(initial, false));
    }

    /** Begins delivery (of the first snapshot). */
    public void start() {
        schedule();
    }

    /**
     * Called on the owner thread; never waits for the subscriber.
     *
     * @param change  the change
     * @param tracker the view, for a snapshot when the buffer is full
     */
    public void publish(MembershipChange change, ViewTracker tracker) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (queue.size() >= capacity) {
                // The subscriber is too slow: give it the present instead of a gap.
                boolean started = queue.peekFirst() != Marker.START;
                queue.clear();
                if (!started) {
                    queue.add(Marker.START);
                }
                queue.add(new Snapshot(tracker.snapshot(), true));
                resyncs++;
            } else {
                queue.add(change);
            }
        }
        schedule();
    }

    /** The node closed: the subscriber receives what is buffered (as demand allows), then the end. */
    public void end() {
        synchronized (this) {
            if (closed || queue.peekLast() == Marker.END) {
                return;
            }
            queue.add(Marker.END);
        }
        schedule();
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            close();
            sink.onInvalidRequest(new IllegalArgumentException("request(" + n + "): Flow rule 3.9 requires a positive demand"));
            return;
        }
        synchronized (this) {
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        }
        schedule();
    }

    @Override
    public void cancel() {
        close();
    }

    @Override
    public synchronized long resyncs() {
        return resyncs;
    }

    /** @return how many times the subscriber threw */
    public synchronized long failures() {
        return failures;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            if (deliverer != null && deliverer != Thread.currentThread()) {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
                long left;
                while (deliverer != null && (left = deadline - System.nanoTime()) > 0) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        }
        finish();
    }

    private void finish() {
        onClose.run();
        if (ownThread != null) {
            ownThread.shutdown();
        }
    }

    private void schedule() {
        synchronized (this) {
            if (scheduled || closed || !deliverable()) {
                return;
            }
            scheduled = true;
        }
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                scheduled = false;
            }
            LOG.log(Level.WARNING, "membership delivery refused by its executor; retried at the next change: " + e.getMessage());
        }
    }

    /** Holding the lock. */
    private boolean deliverable() {
        Object head = queue.peekFirst();
        return head != null && (head instanceof Marker || demand > 0);
    }

    private void drain() {
        while (true) {
            Object next;
            synchronized (this) {
                if (closed || !deliverable()) {
                    scheduled = false;
                    return;
                }
                next = queue.pollFirst();
                if (!(next instanceof Marker) && demand != Long.MAX_VALUE) {
                    demand--;
                }
                deliverer = Thread.currentThread();
            }
            try {
                deliver(next);
            } catch (Throwable e) {
                failed(e);
            } finally {
                synchronized (this) {
                    deliverer = null;
                    notifyAll();
                }
            }
            if (next == Marker.END) {
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    scheduled = false;
                }
                finish();
                return;
            }
        }
    }

    private void deliver(Object next) {
        if (next == Marker.START) {
            sink.onStart(this);
        } else if (next == Marker.END) {
            sink.onEnd();
        } else if (next instanceof Snapshot s) {
            sink.onSnapshot(s.view(), s.resync());
        } else {
            sink.onChange((MembershipChange) next);
        }
    }

    private void failed(Throwable e) {
        synchronized (this) {
            failures++;
        }
        if (keepAfterFailure) {
            // Errors too (an AssertionError in a test's listener): the subscription is kept, as documented.
            LOG.log(Level.WARNING, "membership listener threw (it stays subscribed): " + e, e);
        } else {
            LOG.log(Level.WARNING, "Flow subscriber threw (rule 2.13); its subscription is cancelled: " + e, e);
            boolean first;
            synchronized (this) {
                first = !closed;
                closed = true;
                queue.clear();
            }
            if (first) {
                finish();
            }
        }
        if (e instanceof VirtualMachineError error) {
            synchronized (this) {
                scheduled = false;
            }
            schedule();
            throw error;
        }
    }
}
