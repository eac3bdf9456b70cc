package io.rollcall;

import io.rollcall.core.Endpoint;
import io.rollcall.core.engine.JoinCompleted;
import io.rollcall.core.engine.NameConflict;
import io.rollcall.core.engine.StreamFailure;
import io.rollcall.core.node.LiveNode;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Asks seed providers for addresses and joins them: the start-up join with its retries, the rejoin
 * while the node is alone, and the periodic refresh that joins addresses no reachable member holds
 * (new DNS records, a seed whose address changed, the far side of a partition). Providers may block
 * (DNS), so they run on this class's own thread, never on the protocol thread.
 */
final class SeedDiscovery implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("rollcall.discovery");
    /** Most addresses one attempt joins: the engine bounds its pending exchanges too. */
    static final int MAX_ADDRESSES_PER_ATTEMPT = 64;

    private final RollcallConfig config;
    private final LiveNode node;
    private final Supplier<MembershipView> view;
    private final ScheduledThreadPoolExecutor executor;
    private final Set<SeedProvider> healing = new LinkedHashSet<>();
    private final Set<SeedProvider> whileAlone = new LinkedHashSet<>();
    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong lookupFailures = new AtomicLong();
    private final AtomicLong joinAttempts = new AtomicLong();
    private final AtomicLong joinFailures = new AtomicLong();
    private final AtomicLong nameConflicts = new AtomicLong();
    /**
     * Foreground joins ({@link #join}) still trying. While one is, the background loop does not join
     * while alone as well: two exchanges with one seed at once would each show our state to it, and a
     * Serf agent holding our name starts one name-conflict vote per exchange; two votes started in the
     * same instant share a Lamport time, and Serf keeps the answers of only one of them, so the other
     * counts no votes and the Serf agent shuts itself down.
     */
    private final java.util.concurrent.atomic.AtomicInteger foregroundJoins = new java.util.concurrent.atomic.AtomicInteger();
    private final Set<String> unresolvedLogged = new HashSet<>();
    private boolean maintaining;
    private long aloneBackoffMillis;
    private long nextRefreshNanos;
    private volatile boolean closed;
    private volatile boolean joinedOnce;
    private volatile boolean nameRefused;

    SeedDiscovery(RollcallConfig config, LiveNode node, Supplier<MembershipView> view) {
        this.config = config;
        this.node = node;
        this.view = view;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "rollcall-" + config.nodeName() + "-discovery");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.aloneBackoffMillis = config.joinBackoffInitial().toMillis();
        node.addListener(n -> {
            if (n instanceof NameConflict c) {
                nameConflicts.incrementAndGet();
                LOG.log(Level.WARNING, c.line());
            }
        });
    }

    /**
     * @return whether this node never joined and a seed showed its name held by a live member: its
     *         leave would be about that member's name, so it must not announce one
     */
    boolean nameHeldByAnother() {
        return nameRefused && !joinedOnce;
    }

    DiscoveryCounters counters() {
        return new DiscoveryCounters(lookups.get(), lookupFailures.get(), joinAttempts.get(), joinFailures.get(), nameConflicts.get());
    }

    /**
     * Joins through the providers, trying again with backoff until {@code retryFor} has passed; the
     * providers are then kept to heal partitions.
     */
    CompletableFuture<Integer> join(List<SeedProvider> providers, Duration retryFor) {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        List<SeedProvider> copy = List.copyOf(providers);
        long deadline = System.nanoTime() + retryFor.toNanos();
        foregroundJoins.incrementAndGet();
        result.whenComplete((joined, failure) -> foregroundJoins.decrementAndGet());
        run(() -> {
            keep(copy, true);
            attempt(copy, deadline, config.joinBackoffInitial().toMillis(), result);
        }, result);
        return result;
    }

    /** Keeps the providers: joined while the node is alone and, if {@code heal}, at every refresh. */
    void keep(List<SeedProvider> providers, boolean heal) {
        List<SeedProvider> copy = List.copyOf(providers);
        run(() -> {
            (heal ? healing : whileAlone).addAll(copy);
            if (!maintaining && !closed) {
                maintaining = true;
                nextRefreshNanos = System.nanoTime() + config.seedRefreshInterval().toNanos();
                // At once: a node restarted with only background seeds (a rolling update) should not idle.
                executor.execute(this::maintain);
            }
        }, null);
    }

    private void attempt(List<SeedProvider> providers, long deadline, long backoffMillis, CompletableFuture<Integer> result) {
        if (closed) {
            result.completeExceptionally(new IllegalStateException("node is closed"));
            return;
        }
        joinOnce(providers, null).whenComplete((joined, failure) -> {
            if (failure == null) {
                result.complete(joined);
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed || !(failure instanceof JoinException je)) {
                result.completeExceptionally(failure);
                return;
            }
            long wait = Math.min(backoffMillis, TimeUnit.NANOSECONDS.toMillis(left));
            LOG.log(Level.INFO, "join attempt failed (" + String.join("; ", je.failures()) + "); next attempt in " + wait + " ms");
            long next = Math.min(backoffMillis * 2, config.joinBackoffMax().toMillis());
            try {
                executor.schedule(() -> attempt(providers, deadline, next, result), wait, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(failure);
            }
        });
    }

    /**
     * One attempt: asks every provider, leaves out our own address and the other family, and joins
     * what is left (only what no reachable member holds, if {@code skip} is given).
     */
    private CompletableFuture<Integer> joinOnce(List<SeedProvider> providers, Set<Endpoint> skip) {
        if (providers.isEmpty()) {
            return skip != null ? CompletableFuture.completedFuture(0) : CompletableFuture.failedFuture(new JoinException(List.of()));
        }
        List<JoinException.SeedFailure> failures = new ArrayList<>();
        Set<Endpoint> targets = new LinkedHashSet<>();
        boolean sawSelf = false;
        boolean sawOtherFamily = false;
        Endpoint self = node.address();
        boolean v4 = self.ip() instanceof Inet4Address;
        for (SeedProvider p : providers) {
            lookups.incrementAndGet();
            List<InetSocketAddress> found;
            try {
                found = p.addresses();
                if (found == null) {
                    throw new IOException("the seed provider returned null");
                }
                synchronized (unresolvedLogged) {
                    if (unresolvedLogged.remove(p.toString())) {
                        LOG.log(Level.INFO, "seed " + p + " resolves again");
                    }
                }
            } catch (IOException | RuntimeException e) {
                lookupFailures.incrementAndGet();
                String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                failures.add(new JoinException.SeedFailure(p.toString(), JoinException.Reason.UNRESOLVED, why));
                boolean first;
                synchronized (unresolvedLogged) {
                    first = unresolvedLogged.add(p.toString());
                }
                LOG.log(first ? Level.WARNING : Level.DEBUG, "seed " + p + ": " + why + "; asking again at the next attempt");
                continue;
            }
            for (InetSocketAddress a : found) {
                if (a == null || a.isUnresolved()) {
                    continue;
                }
                if ((a.getAddress() instanceof Inet4Address) != v4) {
                    sawOtherFamily = true;
                    continue;
                }
                Endpoint e = new Endpoint(a.getAddress(), a.getPort());
                sawSelf |= e.equals(self);
                if (!e.equals(self) && (skip == null || !skip.contains(e)) && targets.size() < MAX_ADDRESSES_PER_ATTEMPT) {
                    targets.add(e);
                }
            }
        }
        if (targets.isEmpty()) {
            if (skip != null && failures.isEmpty()) {
                return CompletableFuture.completedFuture(0);
            }
            if (failures.isEmpty()) {
                String why = sawSelf && !sawOtherFamily ? "this is our own address; no other member to join"
                        : sawOtherFamily ? "no address of this node's family (" + (v4 ? "IPv4" : "IPv6") + ") other than our own"
                        : "no addresses";
                failures.add(new JoinException.SeedFailure(String.join(", ", providers.stream().map(String::valueOf).toList()),
                        JoinException.Reason.FAILED, why));
            }
            joinAttempts.incrementAndGet();
            joinFailures.incrementAndGet();
            return CompletableFuture.failedFuture(new JoinException(failures));
        }
        joinAttempts.incrementAndGet();
        CompletableFuture<Integer> out = new CompletableFuture<>();
        node.join(targets).whenComplete((result, error) -> {
            if (error != null) {
                joinFailures.incrementAndGet();
                out.completeExceptionally(error);
                return;
            }
            if (result.succeeded() > 0) {
                joinedOnce = true;
                out.complete(result.succeeded());
                return;
            }
            if (result.seedFailures().stream().anyMatch(f -> f.failure().kind() == StreamFailure.Kind.NAME_CONFLICT)) {
                nameRefused = true;
            }
            joinFailures.incrementAndGet();
            List<JoinException.SeedFailure> all = new ArrayList<>(failures);
            for (JoinCompleted.SeedFailure f : result.seedFailures()) {
                all.add(new JoinException.SeedFailure(f.seed().toString(), reason(f.failure().kind()), f.failure().reason()));
            }
            out.completeExceptionally(new JoinException(all));
        });
        return out;
    }

    /** The background loop: rejoin with backoff while alone; refresh and heal at the refresh interval. */
    private void maintain() {
        if (closed) {
            return;
        }
        MembershipView v;
        try {
            v = view.get();
        } catch (RuntimeException e) {
            return;
        }
        boolean alone = v.reachable().size() <= 1;
        long now = System.nanoTime();
        CompletableFuture<Integer> attempt;
        if (alone && foregroundJoins.get() > 0) {
            schedule(this::maintain, config.joinBackoffInitial().toMillis());
            return;
        } else if (alone) {
            List<SeedProvider> all = new ArrayList<>(healing);
            all.addAll(whileAlone);
            attempt = joinOnce(all, null);
        } else if (now - nextRefreshNanos >= 0) {
            nextRefreshNanos = now + config.seedRefreshInterval().toNanos();
            Set<Endpoint> held = new HashSet<>();
            for (ClusterMember m : v.reachable()) {
                held.add(new Endpoint(m.address().getAddress(), m.address().getPort()));
            }
            attempt = joinOnce(List.copyOf(healing), held);
        } else {
            aloneBackoffMillis = config.joinBackoffInitial().toMillis();
            schedule(this::maintain, Math.min(config.joinBackoffInitial().toMillis(), TimeUnit.NANOSECONDS.toMillis(nextRefreshNanos - now)));
            return;
        }
        attempt.whenComplete((joined, failure) -> {
            if (failure == null && joined > 0) {
                LOG.log(Level.INFO, (alone ? "rejoined the cluster through " : "refresh joined ") + joined + " address(es)");
            } else if (failure != null) {
                LOG.log(Level.DEBUG, "background join failed: " + failure.getMessage());
            }
            long delay;
            if (alone && (failure != null || joined == 0)) {
                delay = aloneBackoffMillis;
                aloneBackoffMillis = Math.min(aloneBackoffMillis * 2, config.joinBackoffMax().toMillis());
            } else {
                aloneBackoffMillis = config.joinBackoffInitial().toMillis();
                delay = config.joinBackoffInitial().toMillis();
            }
            schedule(this::maintain, delay);
        });
    }

    private void schedule(Runnable task, long delayMillis) {
        try {
            executor.schedule(task, Math.max(1, delayMillis), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // The node is closing.
        }
    }

    private void run(Runnable task, CompletableFuture<?> onRejected) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            if (onRejected != null) {
                onRejected.completeExceptionally(new IllegalStateException("node is closed"));
            }
        }
    }

    static JoinException.Reason reason(StreamFailure.Kind kind) {
        return switch (kind) {
            case REFUSED -> JoinException.Reason.REFUSED;
            case TIMED_OUT -> JoinException.Reason.TIMED_OUT;
            case REJECTED -> JoinException.Reason.REJECTED;
            case FAILED -> JoinException.Reason.FAILED;
            case NAME_CONFLICT -> JoinException.Reason.NAME_CONFLICT;
        };
    }

    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
    }
}
