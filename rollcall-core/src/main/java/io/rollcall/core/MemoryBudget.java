package io.rollcall.core;

/**
 * The heap a node lets its peers fill: everything a peer can make it hold (members and their
 * metadata, streams being decoded, decompressed data, gossip waiting to be sent) is accounted in
 * bytes against one total, so that no input within the limits can exhaust the heap the process
 * really has. By default the total is {@value #DEFAULT_PERCENT_OF_HEAP}% of the maximum heap
 * ({@link Runtime#maxMemory()}, what {@code -Xmx} allows); the rest is the node itself and the
 * collector's headroom. The shares are fixed fractions of the total:
 *
 * <ul>
 *   <li>{@link #memberBytes()}: half, for the member table with tombstones, as the engine and the
 *       view above it hold it;</li>
 *   <li>{@link #inflightStreamBytes()}: three tenths, for all streams being decoded at once;</li>
 *   <li>{@link #broadcastBytes()}: a sixteenth, for gossip updates waiting to be sent;</li>
 *   <li>{@link #packetDecompressedBytes()}: a sixteenth, at most 1 MiB, for one datagram's compress
 *       frames (datagrams are decoded one at a time);</li>
 *   <li>the rest is slack for what is not accounted by byte (queues bounded by count).</li>
 * </ul>
 *
 * @param totalBytes the budget
 */
public record MemoryBudget(long totalBytes) {
    /** The default share of the maximum heap. */
    public static final int DEFAULT_PERCENT_OF_HEAP = 40;
    /** The largest share of the maximum heap a budget may take: the node itself needs the rest. */
    public static final int MAX_PERCENT_OF_HEAP = 50;
    /** The smallest budget: below it a node could not hold a small cluster and one state exchange. */
    public static final long MIN_BYTES = 4L * 1024 * 1024;
    private static final long MAX_PACKET_DECOMPRESSED_BYTES = 1024 * 1024;

    /** Checks the budget is at least {@link #MIN_BYTES}. */
    public MemoryBudget {
        if (totalBytes < MIN_BYTES) {
            throw new IllegalArgumentException("memory budget of " + mib(totalBytes) + " is below the minimum of "
                    + mib(MIN_BYTES));
        }
    }

    /**
     * @param maxHeapBytes the maximum heap ({@link Runtime#maxMemory()})
     * @return the default budget for that heap, at least {@link #MIN_BYTES}
     */
    public static MemoryBudget forHeap(long maxHeapBytes) {
        return new MemoryBudget(Math.max(MIN_BYTES, maxHeapBytes / 100 * DEFAULT_PERCENT_OF_HEAP));
    }

    /**
     * @param maxHeapBytes the maximum heap
     * @return why this budget cannot be held in that heap, as one line, or null if it can
     */
    public String problemWithHeap(long maxHeapBytes) {
        long most = maxHeapBytes / 100 * MAX_PERCENT_OF_HEAP;
        if (totalBytes > most) {
            return "memory budget of " + mib(totalBytes) + " does not fit in a maximum heap of " + mib(maxHeapBytes)
                    + " (at most " + MAX_PERCENT_OF_HEAP + "%, " + mib(most) + "); raise -Xmx or lower the budget";
        }
        return null;
    }

    /** @return bytes the member table may be accounted at */
    public long memberBytes() {
        return totalBytes / 2;
    }

    /** @return bytes all streams being decoded at once may hold */
    public long inflightStreamBytes() {
        return totalBytes * 3 / 10;
    }

    /**
     * @return most bytes one stream message may occupy on the wire or decompress to: what the
     *         in-flight share allows one stream, read bytes and their decoded form counted
     */
    public int streamMessageBytes() {
        return (int) Math.min(Integer.MAX_VALUE, inflightStreamBytes() / 2);
    }

    /** @return bytes of gossip updates waiting to be sent */
    public long broadcastBytes() {
        return totalBytes / 16;
    }

    /** @return most bytes one datagram's compress frames may expand to */
    public int packetDecompressedBytes() {
        return (int) Math.min(MAX_PACKET_DECOMPRESSED_BYTES, totalBytes / 16);
    }

    /** @return the shares, for logs */
    @Override
    public String toString() {
        return mib(totalBytes) + " (members " + mib(memberBytes()) + ", streams " + mib(inflightStreamBytes())
                + ", broadcasts " + mib(broadcastBytes()) + ", one datagram " + mib(packetDecompressedBytes()) + ")";
    }

    /**
     * @param bytes a size
     * @return it in MiB with one decimal, as the messages print it
     */
    public static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
}
