package io.rollcall.core.engine;

import io.rollcall.core.Endpoint;
import io.rollcall.core.message.Message;
import java.util.List;

/** What the engine asked for, as a value: the calls of {@link Outbox}, recorded. */
public sealed interface Effect {
    /** @param to destination @param messages the datagram's messages */
    record SendPacket(Endpoint to, List<Message> messages) implements Effect {
        /** Copies the list. */
        public SendPacket {
            messages = List.copyOf(messages);
        }
    }

    /** @param requestId request id @param to destination @param request the request */
    record SendStream(long requestId, Endpoint to, Message request) implements Effect {
    }

    /** @param timer the timer @param delayMillis delay */
    record SetTimer(Timer timer, long delayMillis) implements Effect {
    }

    /** @param timer the timer */
    record CancelTimer(Timer timer) implements Effect {
    }

    /** @param seqNo the probe that has its outcome */
    record ProbeEnded(long seqNo) implements Effect {
    }

    /** @param notification what happened */
    record Notify(Notification notification) implements Effect {
    }

    /** @param state our own state, to be stored before anything carrying it is sent */
    record StoreSelf(SelfState state) implements Effect {
    }
}
