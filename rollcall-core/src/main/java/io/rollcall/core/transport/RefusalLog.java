package io.rollcall.core.transport;

import io.rollcall.core.codec.DecodeDrop;
import io.rollcall.core.codec.DecodeDropReason;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.Map;

/**
 * Logs traffic refused for security reasons (no key or a wrong key, a foreign label, a source outside
 * the allowed networks) at WARNING, at most once per reason every ten seconds, so an operator sees
 * an intruder or a misconfigured peer without a flood of log lines; every refusal is counted anyway.
 * Other drops (malformed input) are logged at DEBUG.
 */
final class RefusalLog {
    private static final System.Logger LOG = System.getLogger(NetworkNode.class.getName());
    /** Least time between two warnings for the same reason. */
    static final long WARN_INTERVAL_NANOS = 10_000_000_000L;

    private final Map<DecodeDropReason, Long> lastWarned = new EnumMap<>(DecodeDropReason.class);
    private long lastNotAllowed = Long.MIN_VALUE;

    /** Called from the UDP receive thread only. */
    void note(InetSocketAddress source, DecodeDrop drop) {
        switch (drop.reason()) {
            case DECRYPTION_FAILED, NOT_ENCRYPTED, ENCRYPTED_NO_KEY, LABEL_MISMATCH -> {
                long now = System.nanoTime();
                Long last = lastWarned.get(drop.reason());
                if (last == null || now - last >= WARN_INTERVAL_NANOS) {
                    lastWarned.put(drop.reason(), now);
                    LOG.log(Level.WARNING, "refused gossip from " + source + ": " + describe(drop)
                            + " (counted; further refusals for this reason are logged at most every 10 s)");
                }
            }
            default -> {
                if (LOG.isLoggable(Level.DEBUG)) {
                    // The drop's detail may quote what the peer sent (a member name, a field).
                    LOG.log(Level.DEBUG, "dropped part of a datagram from " + source + ": "
                            + io.rollcall.core.TextEscaping.escape(String.valueOf(drop)));
                }
            }
        }
    }

    void noteNotAllowed(InetSocketAddress source) {
        long now = System.nanoTime();
        if (lastNotAllowed == Long.MIN_VALUE || now - lastNotAllowed >= WARN_INTERVAL_NANOS) {
            lastNotAllowed = now;
            LOG.log(Level.WARNING, "refused gossip from " + source + ": not in the allowed networks"
                    + " (counted; further refusals are logged at most every 10 s)");
        }
    }

    private static String describe(DecodeDrop drop) {
        return switch (drop.reason()) {
            case DECRYPTION_FAILED -> "no installed key decrypts it (wrong key, or keys rotated)";
            case NOT_ENCRYPTED -> "it is not encrypted and encryption is required";
            case ENCRYPTED_NO_KEY -> "it is encrypted and this node has no key";
            case LABEL_MISMATCH -> "its cluster label differs";
            default -> drop.toString();
        };
    }
}
