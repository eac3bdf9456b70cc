package io.rollcall.core.engine;

import io.rollcall.core.Endpoint;
import io.rollcall.core.message.Message;
import java.util.ArrayList;
import java.util.List;

/** An outbox that records every effect as a value, for tests and step-by-step drivers. */
public final class CollectingOutbox implements Outbox {
    private final List<Effect> effects = new ArrayList<>();

    @Override
    public void sendPacket(Endpoint to, List<Message> messages) {
        effects.add(new Effect.SendPacket(to, messages));
    }

    @Override
    public void sendStream(long requestId, Endpoint to, Message request) {
        effects.add(new Effect.SendStream(requestId, to, request));
    }

    @Override
    public void setTimer(Timer timer, long delayMillis) {
        effects.add(new Effect.SetTimer(timer, delayMillis));
    }

    @Override
    public void cancelTimer(Timer timer) {
        effects.add(new Effect.CancelTimer(timer));
    }

    @Override
    public void probeEnded(long seqNo) {
        effects.add(new Effect.ProbeEnded(seqNo));
    }

    @Override
    public void storeSelf(SelfState next) {
        effects.add(new Effect.StoreSelf(next));
    }

    @Override
    public void notify(Notification notification) {
        effects.add(new Effect.Notify(notification));
    }

    /** @return the effects recorded since the last drain, and forget them */
    public List<Effect> drain() {
        List<Effect> out = List.copyOf(effects);
        effects.clear();
        return out;
    }

    /** @return the effects recorded since the last drain */
    public List<Effect> peek() {
        return List.copyOf(effects);
    }
}
