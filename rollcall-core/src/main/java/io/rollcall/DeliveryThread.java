package io.rollcall;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Carries work from the protocol thread to listeners: a bounded queue and one daemon thread,
 * started on first use. The protocol thread only offers; a full queue drops the newest item and
 * counts it, so a slow listener can never hold the protocol up. A listener's failure is logged and
 * the next item still delivered.
 */
final class DeliveryThread {
    private static final System.Logger LOG = System.getLogger(DeliveryThread.class.getName());

    private final String threadName;
    private final BlockingQueue<Runnable> queue;
    private final AtomicLong dropped = new AtomicLong();
    private Thread worker;
    private boolean closed;

    DeliveryThread(String threadName, int capacity) {
        this.threadName = threadName;
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /** Starts the thread if it is not running yet (and the delivery is not closed). */
    synchronized void start() {
        if (worker == null && !closed) {
            worker = new Thread(this::deliver, threadName);
            worker.setDaemon(true);
            worker.start();
        }
    }

    /** Queues {@code work}, or drops and counts it if the queue is full. */
    void offer(Runnable work) {
        if (!queue.offer(work)) {
            dropped.incrementAndGet();
        }
    }

    long dropped() {
        return dropped.get();
    }

    private void deliver() {
        while (true) {
            Runnable next;
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, threadName + ": listener failed: " + e);
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
