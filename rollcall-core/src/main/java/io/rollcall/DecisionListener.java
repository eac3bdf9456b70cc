package io.rollcall;

/**
 * Receives each decision this node records about a member, as it is made
 * ({@link Rollcall#subscribeDecisions}). Called on the node's delivery thread, never on the protocol
 * thread; a listener that is slow delays the others, and decisions that find the delivery queue
 * full ({@link Rollcall#DECISION_QUEUE_CAPACITY}) are dropped and counted in
 * {@link Health#dropped()} as {@code decision.delivery_queue_full}. {@link Rollcall#history(String)}
 * still holds them.
 */
@FunctionalInterface
public interface DecisionListener {
    /**
     * @param member   the member's name
     * @param decision the decision
     */
    void onDecision(String member, Decision decision);
}
