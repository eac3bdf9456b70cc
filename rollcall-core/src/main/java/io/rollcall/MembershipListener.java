package io.rollcall;

/**
 * Receives a node's membership over time. After {@link Membership#subscribe} it first receives the
 * whole view ({@link #onSnapshot} with {@code resync == false}), then every change in version order,
 * each exactly once, and {@link #onClosed()} when the node closes.
 *
 * <p>Threading: each subscription has its own delivery thread (or runs on the executor given to
 * {@link Membership#subscribe(MembershipListener, java.util.concurrent.Executor)}), and a listener is
 * never called concurrently with itself, so a slow listener delays only itself, never the protocol or
 * other listeners. A listener that throws (an {@link Error} too, such as a failed assertion) is logged
 * and keeps its subscription. If a listener falls so far behind that its buffer fills, the changes it has not yet
 * received are replaced by one fresh snapshot ({@code resync == true}) and delivery continues from
 * there: it never silently misses a change.
 */
public interface MembershipListener {
    /**
     * The whole view: first after subscribing, and again after falling behind.
     *
     * @param view   the view; the next change has version {@code view.version() + 1}
     * @param resync false for the first snapshot, true when it replaces changes that were dropped
     */
    void onSnapshot(MembershipView view, boolean resync);

    /**
     * One change, in version order.
     *
     * @param change the change
     */
    void onChange(MembershipChange change);

    /**
     * The end of the stream: the node was closed or aborted, and nothing follows. Not called when the
     * subscription itself is closed. Does nothing unless overridden.
     */
    default void onClosed() {
    }
}
