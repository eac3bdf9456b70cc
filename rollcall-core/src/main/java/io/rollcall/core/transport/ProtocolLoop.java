package io.rollcall.core.transport;

import io.rollcall.core.engine.Clock;
import java.lang.System.Logger.Level;
import java.util.PriorityQueue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The one thread that owns a protocol engine. Everything that touches the engine (received
 * messages, stream outcomes, commands, timers) runs here, in order; other threads only hand it
 * work through one bounded queue. Received traffic may fill it only up to a reserve, and beyond that
 * is dropped and counted; the reserve keeps room for control work (stream outcomes, commands), which
 * waits for space rather than being lost. So a flood can slow a node down but never make it run out
 * of memory or lose track of its own requests.
 */
final class ProtocolLoop {
    private static final System.Logger LOG = System.getLogger(ProtocolLoop.class.getName());
    /**
     * Longest wait when no timer is due sooner. The engine always has a gossip timer pending, and
     * {@link #stop} interrupts the wait, so this only bounds a wait that nothing else would end;
     * a short one cost an idle agent a wake-up every 100 ms on top of its timers.
     */
    private static final long IDLE_WAIT_MILLIS = 1_000;

    private final BlockingQueue<Runnable> tasks;
    private final int trafficLimit;
    private final PriorityQueue<ScheduledTask> timers = new PriorityQueue<>();
    private final Clock clock;
    private final Thread thread;
    private final LongAdder rejected = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private volatile boolean running = true;
    private long sequence;

    /**
     * @param name     thread name
     * @param capacity queue capacity
     * @param reserved places kept free of received traffic, for control work
     * @param clock    time source for timers
     */
    ProtocolLoop(String name, int capacity, int reserved, Clock clock) {
        if (reserved <= 0 || reserved >= capacity) {
            throw new IllegalArgumentException("reserve must be within 1.." + (capacity - 1));
        }
        this.tasks = new ArrayBlockingQueue<>(capacity);
        this.trafficLimit = capacity - reserved;
        this.clock = clock;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Hands received traffic to the protocol thread, unless the queue is filled to the reserve.
     *
     * @param task work for the protocol thread
     * @return false if the task was dropped (counted)
     */
    boolean offerTraffic(Runnable task) {
        if (!running || tasks.size() >= trafficLimit || !tasks.offer(task)) {
            rejected.increment();
            return false;
        }
        return true;
    }

    /**
     * Hands control work (a stream outcome, a command) to the protocol thread, waiting for space.
     *
     * @param task work for the protocol thread
     * @return false only if the node is stopped or the queue stayed full for a whole second
     */
    boolean offerControl(Runnable task) {
        if (Thread.currentThread() == thread) {
            schedule(0, task);
            return true;
        }
        return running && offerWithin(task, 1_000);
    }

    /**
     * Runs {@code work} on the protocol thread and returns its result.
     *
     * @param work what to run
     * @param <T>  result type
     * @return the result, or a future failed with {@link IllegalStateException} if the node is
     *         stopped or overloaded
     */
    <T> CompletableFuture<T> call(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (Thread.currentThread() == thread) {
            try {
                result.complete(work.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
            return result;
        }
        boolean queued = offerControl(() -> {
            try {
                result.complete(work.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        if (!queued) {
            result.completeExceptionally(new IllegalStateException(running ? "node is overloaded; try again" : "node is stopped"));
        }
        return result;
    }

    private boolean offerWithin(Runnable task, long millis) {
        try {
            return tasks.offer(task, millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Schedules {@code task} after {@code delayMillis}; protocol thread only. */
    void schedule(long delayMillis, Runnable task) {
        schedule(delayMillis, null, task);
    }

    /**
     * Schedules {@code task} after {@code delayMillis} under {@code key}, so that
     * {@link #cancel(Object)} can take it back; protocol thread only.
     */
    void schedule(long delayMillis, Object key, Runnable task) {
        timers.add(new ScheduledTask(clock.nowMillis() + Math.max(0, delayMillis), sequence++, key, task));
    }

    /**
     * Removes every scheduled task whose key equals {@code key}; protocol thread only. The engine
     * would ignore such a timer anyway; removing it saves the loop a wake-up (two per probe answered
     * in time, most of an idle node's wake-ups besides gossip). The heap holds a handful of timers.
     */
    void cancel(Object key) {
        timers.removeIf(t -> t.key != null && t.key.getClass() == key.getClass() && t.key.equals(key));
    }

    /** @return tasks scheduled and not yet run or cancelled */
    int scheduledCount() {
        return timers.size();
    }

    boolean isProtocolThread() {
        return Thread.currentThread() == thread;
    }

    /** Stops the loop after the work already queued; waits for the thread to end. */
    void stop(long waitMillis) {
        running = false;
        thread.interrupt();
        try {
            thread.join(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long rejectedTasks() {
        return rejected.sum();
    }

    long failedTasks() {
        return failures.sum();
    }

    int queueDepth() {
        return tasks.size();
    }

    private void run() {
        while (running) {
            long wait = IDLE_WAIT_MILLIS;
            ScheduledTask next = timers.peek();
            if (next != null) {
                wait = Math.max(0, Math.min(wait, next.at - clock.nowMillis()));
            }
            Runnable task;
            try {
                task = wait == 0 ? tasks.poll() : tasks.poll(wait, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
                continue;
            }
            if (task != null) {
                runSafely(task);
            }
            long now = clock.nowMillis();
            while (!timers.isEmpty() && timers.peek().at <= now) {
                runSafely(timers.poll().task);
            }
        }
    }

    private void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            // A bug must not take the node down: the failure is counted and logged, the loop goes on.
            failures.increment();
            LOG.log(Level.ERROR, "protocol task failed: " + e, e);
            if (e instanceof VirtualMachineError) {
                throw (Error) e;
            }
        }
    }

    private record ScheduledTask(long at, long sequence, Object key, Runnable task) implements Comparable<ScheduledTask> {
        @Override
        public int compareTo(ScheduledTask o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }
}
