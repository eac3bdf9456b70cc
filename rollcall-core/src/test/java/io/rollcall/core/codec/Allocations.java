package io.rollcall.core.codec;

/** What a thread allocates, for tests that bound what decoding a hostile input costs. */
final class Allocations {
    private Allocations() {
    }

    /**
     * Bytes this thread has allocated so far. Called reflectively because the tests compile inside the
     * io.rollcall module, which does not read java.management; reflection needs no such edge.
     */
    static long byThisThread() {
        try {
            Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            return (long) Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes")
                    .invoke(threads);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("this JVM does not report allocation per thread", e);
        }
    }
}
