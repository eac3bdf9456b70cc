package io.rollcall.core.node;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.codec.ConflictAnswerCodec;
import io.rollcall.core.engine.NameConflict;
import io.rollcall.core.engine.Notification;
import io.rollcall.core.message.SerfMessage;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * Serf's name-conflict vote, asked by us: when another address claims our name, we ask the cluster
 * Serf's {@code _serf_conflict} query about it, as a Serf agent does, and count the members that hold
 * the name at our address. Serf shuts down a node that loses; we keep running (the claim is refused
 * either way, and an operator decides) and report the outcome in Serf's words, once per vote, and
 * in {@link #won()} and {@link #lost()}. One vote at a time. Runs on the protocol thread.
 */
final class NameConflictVote implements Consumer<Notification> {
    private static final System.Logger LOG = System.getLogger("rollcall.conflict");
    /** Serf's QueryTimeoutMult: a query's default timeout is this many gossip intervals times log10(n + 1). */
    static final int QUERY_TIMEOUT_MULTIPLIER = 16;

    /** How the vote asks its query: {@link LiveNode#serfQuery(String, Bytes, List, boolean, int, long, Consumer)}. */
    interface Asker {
        CompletableFuture<Void> ask(String name, Bytes payload, long timeoutMillis, Consumer<SerfMessage.QueryResponse> sink);
    }

    private final String selfName;
    private final Endpoint self;
    private final long gossipIntervalMillis;
    private final IntSupplier liveMembers;
    private final Asker asker;
    private boolean running;
    private volatile long won;
    private volatile long lost;

    NameConflictVote(String selfName, Endpoint self, long gossipIntervalMillis, IntSupplier liveMembers, Asker asker) {
        this.selfName = selfName;
        this.self = self;
        this.gossipIntervalMillis = gossipIntervalMillis;
        this.liveMembers = liveMembers;
        this.asker = asker;
    }

    @Override
    public void accept(Notification notification) {
        if (!(notification instanceof NameConflict conflict) || !conflict.ours() || running) {
            return;
        }
        running = true;
        Set<String> answered = new HashSet<>();
        int[] tally = new int[2]; // responses, matching
        long timeoutMillis = gossipIntervalMillis * QUERY_TIMEOUT_MULTIPLIER
                * (long) Math.ceil(Math.log10(liveMembers.getAsInt() + 1.0));
        asker.ask("_serf_conflict", Bytes.of(selfName.getBytes(StandardCharsets.UTF_8)), Math.max(1, timeoutMillis), r -> {
            if (r.flags() != 0 || !answered.add(r.from())) {
                return;
            }
            ConflictAnswerCodec.Vote vote = ConflictAnswerCodec.decode(r.payload());
            if (vote.counted()) {
                tally[0]++;
                if (self.equals(vote.holder())) {
                    tally[1]++;
                }
            }
        }).whenComplete((done, failure) -> {
            running = false;
            if (failure != null) {
                LOG.log(Level.WARNING, "name conflict vote not asked: " + failure.getMessage());
                return;
            }
            int responses = tally[0];
            int matching = tally[1];
            if (matching >= responses / 2 + 1) {
                won++;
                LOG.log(Level.INFO, "majority in name conflict resolution [" + matching + " / " + responses
                        + "]: the cluster holds our name '" + selfName + "' at our address " + self);
            } else {
                lost++;
                LOG.log(Level.WARNING, "minority in name conflict resolution [" + matching + " / " + responses
                        + "]: the cluster does not hold our name '" + selfName + "' at our address " + self
                        + " (claimed at " + conflict.claimant() + "); rename this node, unless that address is an earlier life"
                        + " of it not yet declared failed");
            }
        });
    }

    /** @return votes in which a majority held our name at our address */
    long won() {
        return won;
    }

    /** @return votes lost (a Serf agent would have shut down) */
    long lost() {
        return lost;
    }
}
