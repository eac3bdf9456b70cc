package io.rollcall.core.engine;

import io.rollcall.core.Endpoint;
import io.rollcall.core.message.Ack;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Dead;
import io.rollcall.core.message.IndirectPing;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.Nack;
import io.rollcall.core.message.Ping;
import io.rollcall.core.message.PushPull;
import io.rollcall.core.message.Suspect;
import io.rollcall.core.message.UserData;
import java.util.function.Supplier;

/**
 * Routes each received message, and each answer to a stream we opened, to the part of the engine
 * that handles it; a message no part expects is dropped and counted. The engine has already checked
 * that it is running.
 */
final class MessageRoutes {
    private final Prober prober;
    private final GossipRules gossipRules;
    private final StateExchange exchange;
    private final PendingStreams streams;
    private final EngineCounters counters;
    /** The layer above, installed after construction. */
    private final Supplier<UserDelegate> delegate;

    MessageRoutes(Prober prober, GossipRules gossipRules, StateExchange exchange, PendingStreams streams,
                  EngineCounters counters, Supplier<UserDelegate> delegate) {
        this.prober = prober;
        this.gossipRules = gossipRules;
        this.exchange = exchange;
        this.streams = streams;
        this.counters = counters;
        this.delegate = delegate;
    }

    void packet(Endpoint from, Message message) {
        if (message instanceof Ping ping) {
            prober.onPing(from, ping);
        } else if (message instanceof IndirectPing indirect) {
            prober.onIndirectPing(from, indirect);
        } else if (message instanceof Ack ack) {
            prober.onAck(from, ack);
        } else if (message instanceof Nack nack) {
            prober.onNack(from, nack);
        } else if (message instanceof Alive alive) {
            gossipRules.onAlive(alive, ClaimSource.gossip(from));
        } else if (message instanceof Suspect suspect) {
            gossipRules.onSuspect(suspect, ClaimSource.gossip(from));
        } else if (message instanceof Dead dead) {
            gossipRules.onDead(dead, ClaimSource.gossip(from));
        } else if (message instanceof UserData user) {
            delegate.get().onUserMessage(from, user.payload());
        } else {
            counters.drop(DropReason.UNEXPECTED_MESSAGE);
        }
    }

    /** @return the reply to write back, or null to just close the stream */
    Message stream(Endpoint from, Message request) {
        if (request instanceof PushPull pushPull) {
            return exchange.serve(pushPull);
        }
        if (request instanceof Ping ping) {
            return prober.onStreamPing(ping);
        }
        if (request instanceof UserData user) {
            delegate.get().onUserMessage(from, user.payload());
            return null;
        }
        counters.drop(DropReason.UNEXPECTED_MESSAGE);
        return null;
    }

    /** @param stopped whether the engine has stopped (the stream is closed, its reply ignored) */
    void streamReply(long requestId, Message reply, boolean stopped) {
        PendingStreams.Pending pending = streams.close(requestId);
        if (pending == null) {
            counters.drop(DropReason.UNKNOWN_STREAM);
            return;
        }
        if (stopped) {
            return;
        }
        if (pending.purpose() == PendingStreams.Purpose.TCP_PING) {
            prober.onFallbackReply(pending.seqNo(), reply);
            return;
        }
        exchange.onReply(pending, reply);
    }

    void streamFailure(long requestId, StreamFailure failure) {
        PendingStreams.Pending pending = streams.close(requestId);
        if (pending == null) {
            counters.drop(DropReason.UNKNOWN_STREAM);
            return;
        }
        exchange.onFailure(pending, failure);
    }
}
