package io.rollcall.core.transport;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The bounded pools and deadline schedulers the stream server and client run on: named daemon threads. */
final class DaemonThreads {
    private DaemonThreads() {
    }

    /**
     * @param name       thread name prefix
     * @param maxThreads most threads; work beyond that is rejected, never queued
     * @return a pool that starts threads on demand and lets idle ones go after 30 s
     */
    static ThreadPoolExecutor boundedPool(String name, int maxThreads) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(0, maxThreads, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param name thread name
     * @return a one-thread scheduler whose cancelled tasks are removed at once
     */
    static ScheduledThreadPoolExecutor scheduler(String name) {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        return s;
    }
}
