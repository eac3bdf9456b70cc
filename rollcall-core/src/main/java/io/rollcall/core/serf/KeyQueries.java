package io.rollcall.core.serf;

import io.rollcall.core.message.SerfMessage;
import io.rollcall.core.Bytes;
import io.rollcall.core.codec.SerfCodec;
import io.rollcall.core.codec.SerfQueryCodec;
import io.rollcall.core.security.GossipKey;
import io.rollcall.core.security.Keyring;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers Serf's internal queries as Serf does: {@code _serf_ping} (acknowledged only), and the key-rotation queries
 * {@code _serf_install-key}, {@code _serf_use-key}, {@code _serf_remove-key} and
 * {@code _serf_list-keys}, acting on this node's gossip keyring. So {@code serf keys} rotates keys on
 * Rollcall nodes, and {@code rollcall keys} on Serf agents.
 */
final class KeyQueries {
    private static final String NO_KEYRING = "No keyring to modify (encryption not enabled)";

    private final Keyring keyring;
    private final Runnable changed;

    KeyQueries(Keyring keyring, Runnable changed) {
        this.keyring = keyring;
        this.changed = changed;
    }

    /**
     * @param name    the query name
     * @param payload the query payload
     * @return the answer's payload, or null for a query this node does not answer
     */
    Bytes answer(String name, Bytes payload) {
        switch (name) {
            case "_serf_ping":
                // Serf only acknowledges a ping query (when asked to); it never answers one.
                return null;
            case "_serf_list-keys":
                return list();
            case "_serf_install-key":
            case "_serf_use-key":
            case "_serf_remove-key":
                return change(name, payload);
            default:
                return null;
        }
    }

    private Bytes list() {
        if (keyring == null) {
            return response(false, NO_KEYRING, List.of(), "");
        }
        Keyring.Listing listing = keyring.list();
        List<String> keys = new ArrayList<>();
        for (GossipKey k : listing.keys()) {
            keys.add(k.toBase64());
        }
        return response(true, "", keys, listing.primary().toBase64());
    }

    private Bytes change(String name, Bytes payload) {
        if (keyring == null) {
            return response(false, NO_KEYRING, List.of(), "");
        }
        if (!(SerfCodec.decode(payload.toByteArray()) instanceof SerfMessage.KeyRequest request)) {
            return response(false, "Failed to decode key request", List.of(), "");
        }
        GossipKey key;
        try {
            key = new GossipKey(request.key().toByteArray());
        } catch (IllegalArgumentException e) {
            return response(false, e.getMessage(), List.of(), "");
        }
        try {
            switch (name) {
                case "_serf_install-key" -> keyring.install(key);
                case "_serf_use-key" -> keyring.use(key);
                default -> keyring.remove(key);
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            return response(false, e.getMessage(), List.of(), "");
        }
        changed.run();
        return response(true, "", List.of(), "");
    }

    private static Bytes response(boolean result, String message, List<String> keys, String primary) {
        return Bytes.of(SerfQueryCodec.encodeKeyResponse(new SerfMessage.KeyResponse(result, message, keys, primary)));
    }
}
