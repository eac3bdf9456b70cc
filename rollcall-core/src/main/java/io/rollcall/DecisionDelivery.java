package io.rollcall;

import io.rollcall.core.engine.DecisionRecorded;
import io.rollcall.core.engine.Notification;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Hands each decision the engine records to the {@link DecisionListener}s: told of every
 * notification on the protocol thread, it only queues (nothing when nobody listens); the mapping to
 * the public {@link Decision} and the listeners run on a {@link DeliveryThread}.
 */
final class DecisionDelivery implements Consumer<Notification> {
    private final DeliveryThread delivery;
    private final List<DecisionListener> listeners = new CopyOnWriteArrayList<>();

    DecisionDelivery(String nodeName, int capacity) {
        this.delivery = new DeliveryThread("rollcall-" + nodeName + "-decisions", capacity);
    }

    Subscription subscribe(DecisionListener listener) {
        listeners.add(listener);
        delivery.start();
        return new Subscription() {
            @Override
            public void close() {
                listeners.remove(listener);
            }

            @Override
            public long resyncs() {
                return 0;
            }
        };
    }

    long dropped() {
        return delivery.dropped();
    }

    @Override
    public void accept(Notification notification) {
        if (notification instanceof DecisionRecorded recorded && !listeners.isEmpty()) {
            delivery.offer(() -> {
                Decision decision = DecisionMapping.of(recorded.record());
                for (DecisionListener l : listeners) {
                    try {
                        l.onDecision(recorded.member(), decision);
                    } catch (RuntimeException e) {
                        // One listener's failure is its own: the others still hear of the decision.
                        System.getLogger(DecisionDelivery.class.getName()).log(System.Logger.Level.WARNING,
                                "decision listener failed: " + e);
                    }
                }
            });
        }
    }

    void close() {
        delivery.close();
    }
}
