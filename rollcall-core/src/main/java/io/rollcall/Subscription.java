package io.rollcall;

/** A listener's registration; closing it stops delivery and ends its delivery thread. */
public interface Subscription extends AutoCloseable {
    /** Stops delivery. Idempotent; waits briefly for a listener call in progress to return. */
    @Override
    void close();

    /** @return how many times this subscriber fell behind and was resynchronised */
    long resyncs();
}
