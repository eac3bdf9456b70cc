package io.rollcall;

import io.rollcall.core.Bytes;
import io.rollcall.core.message.SerfMessage;
import io.rollcall.core.serf.SerfApplication;
import io.rollcall.core.node.LiveNode;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Carries Serf user events and queries from the protocol thread to the {@link ClusterEventListener}:
 * a bounded queue and one delivery thread, started with the first listener. The protocol thread only
 * offers; a full queue drops the newest item and counts it.
 */
final class ClusterEventDelivery implements SerfApplication {
    private final String nodeName;
    private final BlockingQueue<Runnable> queue;
    private final LiveNode node;
    private final AtomicLong dropped = new AtomicLong();
    private volatile ClusterEventListener listener;
    private Thread worker;
    private volatile boolean closed;

    ClusterEventDelivery(String nodeName, int capacity, LiveNode node) {
        this.nodeName = nodeName;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.node = node;
    }

    synchronized void listener(ClusterEventListener l) {
        this.listener = l;
        if (l != null && worker == null && !closed) {
            worker = new Thread(this::deliver, "rollcall-" + nodeName + "-cluster-events");
            worker.setDaemon(true);
            worker.start();
        }
    }

    long dropped() {
        return dropped.get();
    }

    @Override
    public void userEvent(SerfMessage.UserEvent e) {
        if (listener == null) {
            return;
        }
        UserEvent event = new UserEvent(e.name(), e.payload().toByteArray(), e.ltime(), e.coalesce());
        offer(() -> {
            ClusterEventListener l = listener;
            if (l != null) {
                l.onUserEvent(event);
            }
        });
    }

    @Override
    public void query(ReceivedQuery q) {
        if (listener == null) {
            return;
        }
        SerfMessage.Query m = q.query();
        IncomingQuery query = new IncomingQuery(m.name(), m.payload().toByteArray(), m.ltime(), m.sourceNode(),
                Duration.ofNanos(m.timeoutNanos()), answer -> node.respond(q, Bytes.of(answer)));
        offer(() -> {
            ClusterEventListener l = listener;
            if (l != null) {
                l.onQuery(query);
            }
        });
    }

    private void offer(Runnable r) {
        if (!queue.offer(r)) {
            dropped.incrementAndGet();
        }
    }

    private void deliver() {
        while (!closed) {
            Runnable next;
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                // A listener's failure is its own: the next event is still delivered.
                System.getLogger(ClusterEventDelivery.class.getName()).log(System.Logger.Level.WARNING,
                        "cluster event listener failed: " + e);
            }
        }
    }

    synchronized void close() {
        closed = true;
        if (worker != null) {
            worker.interrupt();
        }
    }
}
