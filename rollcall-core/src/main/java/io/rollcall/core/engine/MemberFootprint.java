package io.rollcall.core.engine;

import io.rollcall.core.Bytes;

/**
 * What one member costs the heap of a node that knows it, as the member table accounts it against
 * {@link EngineConfig#maxMemberBytes()}. Not only the engine's entry: the layer above keeps its own
 * view of every member, with the metadata decoded into Serf tags, and there the number of tags
 * weighs more than their bytes (two strings and a map slot each). 511 bytes of metadata can hold
 * one tag or 127, so an estimate from the byte count alone would let a peer multiply its cost
 * four times by choosing many tiny tags.
 */
final class MemberFootprint {
    /**
     * Calibrated on a launcher agent (-Xmx64m), heap after a full collection before and after 3,000
     * invented members arrived in one push/pull: 953 B per member with 20 bytes of metadata (one tag),
     * 3,742 B with 511 bytes. That is about 840 B per member (the entry, its address and version
     * vector, its probe ring slot, the public member record with its socket address, its change in
     * the history, its queued alive) plus 5.7 B per metadata byte: the engine's bytes, the decoded
     * tag text, and the copies the layers above keep while the change is published.
     */
    static final int FIXED_BYTES = 900;
    /** Heap bytes per metadata byte, rounded up from the 5.7 measured. */
    static final int PER_META_BYTE = 6;
    /** Two strings (about 48 bytes each before their text) and a slot in an immutable map. */
    static final int PER_TAG_BYTES = 112;
    private static final int SERF_TAGS_MAGIC = 0xFF;

    private MemberFootprint() {
    }

    /**
     * @param name the member's name
     * @param meta its metadata
     * @return the heap bytes the member is accounted at
     */
    static int bytes(String name, Bytes meta) {
        // The name is held as a string by the engine and the layer above, and as text in events.
        return FIXED_BYTES + 2 * name.length() + PER_META_BYTE * meta.length() + PER_TAG_BYTES * tagCount(meta);
    }

    /** The tag count a Serf tag map declares, capped at what its bytes can hold; 1 for other metadata. */
    static int tagCount(Bytes meta) {
        if (meta.length() < 2 || (meta.byteAt(0) & 0xFF) != SERF_TAGS_MAGIC) {
            return 1;
        }
        int format = meta.byteAt(1) & 0xFF;
        long declared;
        if (format >= 0x80 && format <= 0x8f) {
            declared = format & 0x0f;
        } else if (format == 0xde && meta.length() >= 4) {
            declared = ((meta.byteAt(2) & 0xFF) << 8) | (meta.byteAt(3) & 0xFF);
        } else if (format == 0xdf && meta.length() >= 6) {
            declared = ((meta.byteAt(2) & 0xFFL) << 24) | ((meta.byteAt(3) & 0xFF) << 16)
                    | ((meta.byteAt(4) & 0xFF) << 8) | (meta.byteAt(5) & 0xFF);
        } else {
            return 1;
        }
        // Each tag takes at least two bytes (two empty strings); a larger claim is not readable anyway.
        return (int) Math.max(1, Math.min(declared, meta.length() / 2));
    }
}
