package io.rollcall.core.codec;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes all streams being decoded at once may hold together ({@link CodecLimits#maxInflightStreamBytes()}).
 * A per-stream limit alone does not bound the heap: a hundred connections each within it can still
 * hold a hundred times as much. Each stream takes a {@link Lease}, which reserves bytes before the
 * decoder reads or allocates them and gives them all back when the stream's message has been handled.
 * Thread-safe: one pool serves every connection of a node.
 */
public final class StreamMemory {
    private final long capacity;
    private final AtomicLong free;

    /** @param capacityBytes most bytes all leases may hold at once */
    public StreamMemory(long capacityBytes) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("stream memory must be positive, got " + capacityBytes);
        }
        this.capacity = capacityBytes;
        this.free = new AtomicLong(capacityBytes);
    }

    /** @return a lease holding nothing yet; close it once the message it decoded has been handled */
    public Lease lease() {
        return new Lease();
    }

    /** @return bytes no lease holds now */
    public long freeBytes() {
        return free.get();
    }

    /** @return the pool's size */
    public long capacityBytes() {
        return capacity;
    }

    /**
     * What one stream holds of the pool. Used by one thread at a time; closing twice is harmless.
     * Bytes are taken from the pool in chunks and spent locally, so a stream read a byte at a time
     * does not touch the shared counter for every byte.
     */
    public final class Lease implements AutoCloseable {
        // Small: a slow sender's stream holds this much ahead of what it sent, and a hundred slow
        // streams holding 64 KiB each once filled the whole pool and kept every join out.
        private static final long CHUNK_BYTES = 1024;
        private long held;
        private long unspent;
        private boolean closed;

        private Lease() {
        }

        /**
         * Reserves bytes about to be read or allocated.
         *
         * @param bytes how many
         * @throws DropException MEMORY_BUDGET if the pool does not have them free
         */
        void take(long bytes) throws DropException {
            if (closed) {
                throw new IllegalStateException("lease already returned");
            }
            if (bytes <= unspent) {
                unspent -= bytes;
                return;
            }
            long needed = bytes - unspent;
            long now;
            long grant;
            do {
                now = free.get();
                if (needed > now) {
                    throw new DropException(DecodeDropReason.MEMORY_BUDGET, "streams being decoded hold "
                            + (capacity - now) + " of " + capacity + " bytes; this one needs " + needed + " more");
                }
                grant = Math.min(now, Math.max(needed, CHUNK_BYTES));
            } while (!free.compareAndSet(now, now - grant));
            held += grant;
            unspent += grant - bytes;
        }

        /** @return bytes this lease holds of the pool, spent or not */
        public long heldBytes() {
            return held;
        }

        /** Gives every byte back to the pool. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                free.addAndGet(held);
                held = 0;
                unspent = 0;
            }
        }
    }
}
