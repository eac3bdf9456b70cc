package io.rollcall;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;

/**
 * One subscriber's bounded buffer and delivery thread. The protocol thread publishes without ever
 * waiting; when the buffer is full, its undelivered changes are replaced by one snapshot.
 */
final class SubscriberChannel implements Subscription {
    private static final System.Logger LOG = System.getLogger(SubscriberChannel.class.getName());

    /** A snapshot queued for delivery. */
    private record Snapshot(MembershipView view, boolean resync) {
    }

    private final MembershipListener listener;
    private final int capacity;
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private final Thread thread;
    private final Runnable onClose;
    private boolean closed;
    private long resyncs;

    SubscriberChannel(String name, MembershipListener listener, int capacity, MembershipView initial, Runnable onClose) {
        this.listener = listener;
        this.capacity = capacity;
        this.onClose = onClose;
        queue.add(new Snapshot(initial, false));
        this.thread = new Thread(this::deliver, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Called on the protocol thread; never blocks on the listener. */
    void publish(MembershipChange change, ViewTracker tracker) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (queue.size() >= capacity) {
                // The listener is too slow: give it the present instead of a gap.
                queue.clear();
                queue.add(new Snapshot(tracker.snapshot(), true));
                resyncs++;
            } else {
                queue.add(change);
            }
            notifyAll();
        }
    }

    @Override
    public synchronized long resyncs() {
        return resyncs;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            notifyAll();
        }
        onClose.run();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void deliver() {
        while (true) {
            Object next;
            synchronized (this) {
                while (queue.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        closed = true;
                    }
                }
                if (closed) {
                    return;
                }
                next = queue.poll();
            }
            try {
                if (next instanceof Snapshot s) {
                    listener.onSnapshot(s.view(), s.resync());
                } else {
                    listener.onChange((MembershipChange) next);
                }
            } catch (RuntimeException e) {
                // A failing listener must not lose its subscription or affect anyone else.
                LOG.log(Level.WARNING, "membership listener threw: " + e, e);
            }
        }
    }
}
