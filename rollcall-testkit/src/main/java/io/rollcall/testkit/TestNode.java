package io.rollcall.testkit;

import io.rollcall.Catchup;
import io.rollcall.ClusterMember;
import io.rollcall.Membership;
import io.rollcall.MembershipListener;
import io.rollcall.MembershipUpdate;
import io.rollcall.MembershipView;
import io.rollcall.RollcallConfig;
import io.rollcall.Subscription;
import io.rollcall.core.codec.SerfTags;
import io.rollcall.core.engine.MembershipEngine;
import io.rollcall.core.view.ChangeFeed;
import io.rollcall.core.view.ViewTracker;
import io.rollcall.sim.SimNode;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * One life of one node of a {@link TestCluster}: the same {@link Membership} a real
 * {@link io.rollcall.Rollcall} node offers, so the code under test cannot tell the difference. When
 * the node crashes, leaves or is aborted, this handle is closed, as a process's node would be:
 * its subscribers get the end of their streams, and its reads answer from the last state. A
 * {@link TestCluster#restart restarted} node is a new handle.
 *
 * <p>Listeners and Flow subscribers given no executor are called on the thread that drives the
 * cluster ({@link TestCluster#advance} and the other control methods), between two events of the
 * simulation, so a test needs no waiting and no locks; a new subscriber receives its first view
 * before {@code subscribe} returns. They may call back into the cluster.
 */
public final class TestNode implements Membership {
    private final TestCluster cluster;
    private final SimNode simNode;
    private final int life;
    private final ViewTracker tracker;
    private final ChangeFeed feed;
    private boolean closed;

    TestNode(TestCluster cluster, SimNode simNode, io.rollcall.core.engine.Clock clock, Executor delivery) {
        this.cluster = cluster;
        this.simNode = simNode;
        this.life = simNode.life();
        // A real node's defaults, so buffers and history behave as they will in production.
        RollcallConfig defaults = RollcallConfig.builder(simNode.name()).build();
        this.tracker = new ViewTracker(simNode.name(), defaults.historySize(), clock);
        this.feed = new ChangeFeed(tracker, cluster::locked, defaults.subscriberBufferSize(),
                "rollcall-testkit-" + simNode.name(), delivery);
    }

    ViewTracker tracker() {
        return tracker;
    }

    SimNode simNode() {
        return simNode;
    }

    int life() {
        return life;
    }

    /** This life ended: subscribers are told once the cluster next delivers. */
    void end() {
        if (!closed) {
            closed = true;
            feed.end();
        }
    }

    @Override
    public String name() {
        return simNode.name();
    }

    /** @return the node's (virtual) address; unique in the cluster, never a real socket */
    public InetSocketAddress address() {
        return simNode.address().toSocketAddress();
    }

    @Override
    public MembershipView view() {
        return feed.view();
    }

    @Override
    public Catchup changesSince(long version) {
        return feed.since(version);
    }

    @Override
    public Subscription subscribe(MembershipListener listener) {
        return delivered(feed.subscribe(listener, null));
    }

    @Override
    public Subscription subscribe(MembershipListener listener, Executor executor) {
        return feed.subscribe(listener, Objects.requireNonNull(executor, "executor"));
    }

    @Override
    public Flow.Publisher<MembershipUpdate> changes() {
        Flow.Publisher<MembershipUpdate> publisher = feed.publisher(null);
        return subscriber -> {
            publisher.subscribe(subscriber);
            delivered(null);
        };
    }

    @Override
    public Flow.Publisher<MembershipUpdate> changes(Executor executor) {
        return feed.publisher(Objects.requireNonNull(executor, "executor"));
    }

    @Override
    public CompletableFuture<ClusterMember> whenReachable(String memberName) {
        return delivered(feed.whenReachable(memberName));
    }

    /** A new subscriber gets its first view at once, on the calling thread, not at the next event. */
    private <T> T delivered(T result) {
        cluster.locked(() -> {
            cluster.deliver();
            return null;
        });
        return result;
    }

    @Override
    public boolean isClosed() {
        return cluster.locked(() -> closed);
    }

    /**
     * Replaces this node's metadata and spreads it, as {@link io.rollcall.Rollcall#updateMetadata} does;
     * the others see it as the cluster advances.
     *
     * @param metadata the new metadata
     * @throws IllegalStateException if this node is not running
     * @throws IllegalArgumentException if it encodes to more than {@value RollcallConfig#METADATA_MAX_BYTES} bytes
     */
    public void updateMetadata(Map<String, String> metadata) {
        Objects.requireNonNull(metadata, "metadata");
        var encoded = SerfTags.encode(metadata);
        if (encoded.length() > RollcallConfig.METADATA_MAX_BYTES) {
            throw new IllegalArgumentException("metadata encodes to " + encoded.length() + " bytes; the limit is "
                    + RollcallConfig.METADATA_MAX_BYTES);
        }
        cluster.locked(() -> {
            running().updateMetadata(encoded);
            cluster.deliver();
            return null;
        });
    }

    /** @return true while this life runs (not crashed, left or paused) */
    public boolean isUp() {
        return cluster.locked(() -> !closed && simNode.isUp());
    }

    private MembershipEngine running() {
        if (closed || simNode.life() != life || simNode.engine() == null
                || simNode.engine().phase() != MembershipEngine.Phase.RUNNING) {
            throw new IllegalStateException("node " + name() + " is not running");
        }
        return simNode.engine();
    }

    @Override
    public String toString() {
        return name() + (closed ? " (closed)" : "");
    }
}
