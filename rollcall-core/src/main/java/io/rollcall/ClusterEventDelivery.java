package io.rollcall;

import io.rollcall.core.Bytes;
import io.rollcall.core.message.SerfMessage;
import io.rollcall.core.serf.SerfApplication;
import io.rollcall.core.node.LiveNode;
import java.time.Duration;

/**
 * Carries Serf user events and queries from the protocol thread to the {@link ClusterEventListener},
 * through a {@link DeliveryThread} started with the first listener.
 */
final class ClusterEventDelivery implements SerfApplication {
    private final DeliveryThread delivery;
    private final LiveNode node;
    private volatile ClusterEventListener listener;

    ClusterEventDelivery(String nodeName, int capacity, LiveNode node) {
        this.delivery = new DeliveryThread("rollcall-" + nodeName + "-cluster-events", capacity);
        this.node = node;
    }

    void listener(ClusterEventListener l) {
        this.listener = l;
        if (l != null) {
            delivery.start();
        }
    }

    long dropped() {
        return delivery.dropped();
    }

    @Override
    public void userEvent(SerfMessage.UserEvent e) {
        if (listener == null) {
            return;
        }
        UserEvent event = new UserEvent(e.name(), e.payload().toByteArray(), e.ltime(), e.coalesce());
        delivery.offer(() -> {
            ClusterEventListener l = listener;
            if (l != null) {
                l.onUserEvent(event);
            }
        });
    }

    @Override
    public void query(ReceivedQuery q) {
        if (listener == null) {
            return;
        }
        SerfMessage.Query m = q.query();
        IncomingQuery query = new IncomingQuery(m.name(), m.payload().toByteArray(), m.ltime(), m.sourceNode(),
                Duration.ofNanos(m.timeoutNanos()), answer -> node.respond(q, Bytes.of(answer)));
        delivery.offer(() -> {
            ClusterEventListener l = listener;
            if (l != null) {
                l.onQuery(query);
            }
        });
    }

    void close() {
        delivery.close();
    }
}
