package io.rollcall;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * The read side of a node's membership: what code that uses membership needs, and all it needs. A
 * real {@link Rollcall} node implements it, and so does each node of the test kit
 * ({@code io.rollcall.testkit.TestCluster}), so code written against this interface is tested on a
 * virtual cluster and run on the real one unchanged.
 *
 * <p>Threading: every method may be called from any thread and none waits on the network. Listener
 * and {@link Flow} deliveries run on the subscription's own thread, or on the executor given; they
 * never run on the thread that owns the protocol. See docs/API.md for the whole threading contract.
 *
 * <p>After the node is closed, the read methods ({@link #view()}, {@link #changesSince(long)}) answer
 * from the state the node had when it stopped, a new subscription receives that last view and then
 * the end of the stream, and {@link #whenReachable(String)} fails with {@link IllegalStateException}.
 */
public interface Membership {
    /** @return this node's name */
    String name();

    /** @return this node's view now: a consistent snapshot at one version */
    MembershipView view();

    /**
     * Every change after {@code version}, for a caller that kept a version and wants to catch up.
     *
     * @param version a version the caller has seen
     * @return the changes since, or, when the bounded history no longer reaches back that far or the
     *         version is newer than any this node has had (one kept from before a restart), the
     *         current view to start over from
     */
    Catchup changesSince(long version);

    /**
     * Subscribes to membership changes: the listener first receives the current view, then every
     * change in order, on a delivery thread of its own (see {@link MembershipListener}).
     *
     * @param listener the listener
     * @return the subscription; close it to stop
     * @throws NullPointerException if {@code listener} is null
     */
    Subscription subscribe(MembershipListener listener);

    /**
     * As {@link #subscribe(MembershipListener)}, with every call to the listener run on
     * {@code executor}: one at a time and in order, never concurrently with itself, even on a pool.
     *
     * @param listener the listener
     * @param executor runs the deliveries; it must not run them on the calling thread of
     *                 {@code execute} if the listener may block (a delivery then waits for it)
     * @return the subscription; close it to stop
     * @throws NullPointerException if an argument is null
     */
    Subscription subscribe(MembershipListener listener, Executor executor);

    /**
     * The changes as a {@link Flow.Publisher}: each subscriber receives the current
     * {@link MembershipView} first, then every {@link MembershipChange} in version order, and
     * {@code onComplete} when the node closes.
     *
     * <p>Back-pressure: the node never waits for a subscriber and never sends more than it requested.
     * Items not yet requested wait in a buffer of {@code subscriberBufferSize} (1,024 by default);
     * when a subscriber falls further behind, its buffered items are replaced by one fresh
     * {@link MembershipView}, and the stream continues from that version. So a subscriber that
     * requests slowly sees fewer, coarser items, never a gap, and never holds back the node.
     * A subscriber that throws is cancelled (Reactive Streams rule 2.13).
     *
     * @return a publisher; each subscription has its own delivery thread
     */
    Flow.Publisher<MembershipUpdate> changes();

    /**
     * As {@link #changes()}, with every signal run on {@code executor}, one at a time.
     *
     * @param executor runs the signals
     * @return a publisher
     * @throws NullPointerException if {@code executor} is null
     */
    Flow.Publisher<MembershipUpdate> changes(Executor executor);

    /**
     * Completes when the named member is reachable (alive or suspect) in this node's view: at once if it
     * already is. Combine with {@link CompletableFuture#orTimeout} to bound the wait. Completes on a
     * delivery thread, never the protocol's.
     *
     * @param memberName the member to wait for
     * @return the member as first seen reachable; fails with {@link IllegalStateException} if the node
     *         closes first
     * @throws NullPointerException if {@code memberName} is null
     */
    CompletableFuture<ClusterMember> whenReachable(String memberName);

    /** @return true once the node has been closed or aborted (from the moment it began to stop) */
    boolean isClosed();
}
