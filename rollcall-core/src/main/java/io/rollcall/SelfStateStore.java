package io.rollcall;

import java.io.IOException;
import java.util.Map;

/**
 * Keeps this node's own incarnation and metadata across restarts, so a restarted node can start
 * above every incarnation it ever gossiped (see {@link RollcallConfig.Builder#initialIncarnation}).
 * Set with {@link RollcallConfig.Builder#selfStateStore}.
 *
 * <p>It is written through: the protocol thread calls {@link #store} whenever our incarnation or
 * metadata is about to change (a metadata update, a refutation) and before anything that carries
 * the new state is gossiped or acknowledged. If it throws, the change is not made: a metadata
 * update fails with {@link SelfStateNotStoredException}, and a refutation is not sent (counted as
 * the drop {@code engine.self_state_not_stored}). Since an unrefuted claim ends with this node
 * declared failed, a store should reserve incarnations ahead, so that most refutations need no
 * write at all (the agent reserves a block: docs/AGENT.md).
 */
@FunctionalInterface
public interface SelfStateStore {
    /**
     * Stores our state after a change. Runs on the protocol thread: keep it short (one small fsynced
     * file write at most).
     *
     * @param incarnation our incarnation after the change
     * @param metadata    our metadata after the change
     * @throws IOException if it cannot be stored; the change is then refused
     */
    void store(long incarnation, Map<String, String> metadata) throws IOException;
}
