package io.rollcall.sim;

import io.rollcall.core.engine.StreamFailure;
import io.rollcall.core.message.Message;

/** One simulated stream request: completes exactly once, with a reply or a failure. */
final class StreamCall {
    private final SimNode client;
    private final int clientLife;
    private final long requestId;
    private boolean done;

    StreamCall(SimNode client, int clientLife, long requestId) {
        this.client = client;
        this.clientLife = clientLife;
        this.requestId = requestId;
    }

    SimNode client() {
        return client;
    }

    void complete(Message reply) {
        if (!done) {
            done = true;
            client.deliverStreamReply(clientLife, requestId, reply);
        }
    }

    void fail(StreamFailure.Kind kind, String reason) {
        if (!done) {
            done = true;
            client.deliverStreamFailure(clientLife, requestId, new StreamFailure(kind, reason));
        }
    }
}
