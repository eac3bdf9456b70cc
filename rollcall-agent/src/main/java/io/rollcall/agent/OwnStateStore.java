package io.rollcall.agent;

import io.rollcall.SelfStateStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Map;

/**
 * Writes this node's own incarnation and tags through to the data directory before they are
 * gossiped ({@link SelfStateStore}), so a restart always starts above every incarnation the
 * cluster may hold of us.
 *
 * <p>{@code identity.json} holds not the incarnation in use but the highest one reserved: each
 * write reserves {@value #RESERVED_INCARNATIONS} ahead, so refutations within the block need no
 * write at all, and a disk that fails while the node runs costs it nothing until the block is used
 * up. Only then is a refutation refused (and the node, unable to refute, ends up declared failed
 * by the cluster: better than gossiping an incarnation its next life would start below). A tag
 * change always writes {@code tags.json}, and is refused if it cannot be written.
 */
final class OwnStateStore implements SelfStateStore {
    /** Incarnations reserved by each write of {@code identity.json}. */
    static final long RESERVED_INCARNATIONS = 16;
    private static final long UINT32_MAX = 0xFFFF_FFFFL;
    /** Least time between two warnings about refused writes (the count of those between is given). */
    private static final long WARN_INTERVAL_MILLIS = 60_000;
    private static final System.Logger LOG = System.getLogger("rollcall.agent");

    private final DataDirectory data;
    private final String name;
    private long reservedThrough;
    private Map<String, String> storedTags;
    private long refusedSinceWarning;
    private long lastWarningNanos;
    private boolean warned;

    /**
     * @param data       the directory
     * @param name       our name
     * @param storedTags the tags {@code tags.json} holds now, or null if it holds none
     */
    OwnStateStore(DataDirectory data, String name, Map<String, String> storedTags) {
        this.data = data;
        this.name = name;
        this.storedTags = storedTags == null ? null : Map.copyOf(storedTags);
    }

    /**
     * Reserves incarnations from {@code incarnation} on, for a node about to start at it.
     *
     * @throws DataDirectory.DataDirectoryException if {@code identity.json} cannot be written
     */
    synchronized void reserveFrom(long incarnation) throws DataDirectory.DataDirectoryException {
        long through = Math.min(UINT32_MAX, incarnation + RESERVED_INCARNATIONS - 1);
        data.saveIdentity(new DataDirectory.Identity(name, through));
        reservedThrough = through;
    }

    @Override
    public synchronized void store(long incarnation, Map<String, String> tags) throws IOException {
        try {
            // The identity first: a raised reservation with the old tags is harmless, the reverse is not.
            if (incarnation > reservedThrough) {
                reserveFrom(incarnation);
            }
            if (!tags.equals(storedTags)) {
                data.saveTags(tags);
                storedTags = Map.copyOf(tags);
            }
        } catch (DataDirectory.DataDirectoryException e) {
            refused(incarnation, e.getMessage());
            throw new IOException(e.getMessage());
        }
    }

    /** Rate-limited: a node being accused over and over would otherwise log every accusation. */
    private void refused(long incarnation, String why) {
        refusedSinceWarning++;
        long now = System.nanoTime();
        if (warned && now - lastWarningNanos < WARN_INTERVAL_MILLIS * 1_000_000) {
            return;
        }
        LOG.log(Level.ERROR, "own state not stored, change refused (incarnation " + incarnation + ", reserved through "
                + reservedThrough + "): " + why + (refusedSinceWarning > 1 ? " (" + refusedSinceWarning
                + " refusals since the last warning)" : ""));
        refusedSinceWarning = 0;
        lastWarningNanos = now;
        warned = true;
    }
}
