package io.rollcall.core.engine;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.UserData;
import io.rollcall.core.message.WireSizes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Dissemination, SWIM's infection-style gossip: the broadcast queue, piggy-backing queued updates
 * on every packet sent, the retransmit limit (how many times each update goes out, growing with the
 * logarithm of the cluster size), gossip rounds to random members, and the direct announcements of
 * our own join and leave. It decides what goes out and to whom; what an update says is the gossip
 * rules' business ({@link GossipRules}).
 */
final class Dissemination extends EnginePart {
    /** Most members told of our own join or leave directly per gossip interval. */
    static final int MAX_DIRECT_ANNOUNCEMENTS_PER_GOSSIP_INTERVAL = 64;

    private final BroadcastQueue broadcasts;
    /** Updates the queue dropped for space that {@link #reportDrops} has already counted. */
    private long broadcastDropsReported;
    /** While set, {@link #gossip} queues nothing (learning from a listing every member already has). */
    private boolean suppressed;
    /** The retransmit limit, as computed for {@link #retransmitLimitFor} live members (0 before the first). */
    private int retransmitLimit;
    private int retransmitLimitFor;
    private final ArrayDeque<Endpoint> announcementTargets = new ArrayDeque<>();
    private List<Message> announcement = List.of();
    /** The earliest time the next batch of direct announcements may go out (batches are a gossip interval apart). */
    private long nextAnnouncementBatchMillis = Long.MIN_VALUE;

    Dissemination(EngineContext context) {
        super(context);
        this.broadcasts = new BroadcastQueue(config.maxQueuedBroadcasts(), config.maxQueuedBroadcastBytes());
    }

    /** Queues an update that goes out whatever the suppression (our own news, user broadcasts). */
    BroadcastQueue.Item enqueue(String about, Message update) {
        return broadcasts.enqueue(about, update);
    }

    /** Queues an update learned about another member, unless gossip is suppressed. */
    void gossip(String about, Message update) {
        if (!suppressed) {
            broadcasts.enqueue(about, update);
        }
    }

    /** Turns {@link #gossip} off (true) or back on (false). */
    void suppress(boolean on) {
        suppressed = on;
    }

    /** @return whether {@code item} still waits to be sent (some of its retransmissions are left) */
    boolean isQueued(BroadcastQueue.Item item) {
        return broadcasts.isQueued(item);
    }

    /** @return whether direct announcements are still waiting for a later gossip round */
    boolean announcementsPending() {
        return !announcementTargets.isEmpty();
    }

    /** @return gossip updates waiting to be sent */
    int pending() {
        return broadcasts.size();
    }

    /** Counts the updates the queue has dropped for space since the last call. */
    void reportDrops() {
        long dropped = broadcasts.droppedForSpace();
        while (broadcastDropsReported < dropped) {
            counters.drop(DropReason.BROADCAST_QUEUE_FULL);
            broadcastDropsReported++;
        }
    }

    /**
     * One gossip round's packets. Nothing is done with nothing queued: choosing targets for nothing
     * was most of an idle node's protocol work, five times a second.
     */
    void gossipRound() {
        if (broadcasts.size() == 0) {
            return;
        }
        long now = clock.nowMillis();
        List<MemberEntry> targets = table.randomMembers(config.gossipNodes(), e -> e != self
                && (e.state.isLive() || (e.state == MemberState.DEAD && now - e.stateSinceMillis <= config.gossipToTheDeadMillis())),
                random);
        int limit = retransmitLimit();
        for (MemberEntry target : targets) {
            List<Message> batch = broadcasts.take(config.packetBudgetBytes() - WireSizes.COMPOUND_HEADER_BYTES,
                    WireSizes.COMPOUND_MAX_PARTS, limit);
            if (batch.isEmpty()) {
                break;
            }
            counters.gossipPacketsSent++;
            out.sendPacket(target.address, batch);
        }
    }

    /** {@code parts} and as much pending gossip as fits the packet budget with them. */
    List<Message> withPiggyback(List<Message> parts) {
        int used = WireSizes.COMPOUND_HEADER_BYTES;
        for (Message m : parts) {
            used += WireSizes.of(m) + WireSizes.COMPOUND_PART_OVERHEAD_BYTES;
        }
        List<Message> extra = broadcasts.take(config.packetBudgetBytes() - used,
                WireSizes.COMPOUND_MAX_PARTS - parts.size(), retransmitLimit());
        if (extra.isEmpty()) {
            return parts;
        }
        List<Message> all = new ArrayList<>(parts.size() + extra.size());
        all.addAll(parts);
        all.addAll(extra);
        return all;
    }

    /**
     * Sends our own join or leave to every live member directly, paced over gossip rounds, on top of
     * the epidemic. Random gossip leaves a small chance that some member hears nothing (about e^-8
     * per member at LAN settings), after which it learns only at its next state exchange, minutes
     * later in a large cluster; first-hand news is cheap to deliver to everyone once.
     *
     * <p>The first batch goes out now, not at the next gossip round (up to an interval later): a
     * member that joined just before us learns of us only from this announcement or from gossip.
     *
     * @return whether any announcement was sent now
     */
    boolean announceDirectly(Message message, Bytes userMessage) {
        announcement = userMessage.isEmpty() ? List.of(message) : List.of(message, new UserData(userMessage));
        announcementTargets.clear();
        for (MemberEntry e : table.all()) {
            if (e != self && e.state.isLive()) {
                announcementTargets.add(e.address);
            }
        }
        return sendDirectAnnouncements();
    }

    /**
     * Sends the next batch of direct announcements, if one is due.
     *
     * @return whether any announcement was sent
     */
    boolean sendDirectAnnouncements() {
        if (announcementTargets.isEmpty()) {
            return false;
        }
        long now = clock.nowMillis();
        if (now < nextAnnouncementBatchMillis) {
            return false;
        }
        nextAnnouncementBatchMillis = now + config.gossipIntervalMillis();
        for (int i = 0; i < MAX_DIRECT_ANNOUNCEMENTS_PER_GOSSIP_INTERVAL && !announcementTargets.isEmpty(); i++) {
            out.sendPacket(announcementTargets.poll(), withPiggyback(announcement));
        }
        return true;
    }

    /** @return true when one gossip interval's direct-send budget covers every live member */
    boolean directSendsCoverTheCluster() {
        return table.liveCount() <= MAX_DIRECT_ANNOUNCEMENTS_PER_GOSSIP_INTERVAL;
    }

    /** Sends {@code messages} in one packet to every live member but us, and to {@code also} if not null. */
    void sendToEveryLiveMember(List<Message> messages, MemberEntry also) {
        for (MemberEntry e : table.all()) {
            if (e != self && (e.state.isLive() || e == also)) {
                out.sendPacket(e.address, messages);
            }
        }
    }

    private int retransmitLimit() {
        // Asked for every packet sent; a logarithm each time was measurable on an idle node.
        int live = Math.max(1, table.liveCount());
        if (live != retransmitLimitFor) {
            retransmitLimit = Timeouts.retransmitLimit(config.retransmitMult(), live);
            retransmitLimitFor = live;
        }
        return retransmitLimit;
    }
}
