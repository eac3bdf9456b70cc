package io.rollcall;

import java.util.Arrays;
import java.util.Objects;

/**
 * A Serf user event: a name and a small payload sent to every member of the cluster (Serf agents
 * too, as {@code serf event} sends them), each of which sees it once.
 */
public final class UserEvent {
    private final String name;
    private final byte[] payload;
    private final long lamportTime;
    private final boolean coalesce;

    /**
     * @param name        the event's name
     * @param payload     its payload (copied)
     * @param lamportTime its user-event Lamport time, which with the name and payload identifies it
     * @param coalesce    whether the sender allowed handlers to see only the latest of a burst with this name
     */
    public UserEvent(String name, byte[] payload, long lamportTime, boolean coalesce) {
        this.name = Objects.requireNonNull(name, "name");
        this.payload = payload.clone();
        this.lamportTime = lamportTime;
        this.coalesce = coalesce;
    }

    /** @return the event's name */
    public String name() {
        return name;
    }

    /** @return a copy of its payload */
    public byte[] payload() {
        return payload.clone();
    }

    /** @return its user-event Lamport time (unsigned) */
    public long lamportTime() {
        return lamportTime;
    }

    /** @return whether handlers may see only the latest event of a burst with this name */
    public boolean coalesce() {
        return coalesce;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserEvent e && e.name.equals(name) && Arrays.equals(e.payload, payload)
                && e.lamportTime == lamportTime && e.coalesce == coalesce;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(payload), lamportTime, coalesce);
    }

    @Override
    public String toString() {
        return "UserEvent[" + PrintableText.escape(name) + " at " + Long.toUnsignedString(lamportTime) + ", "
                + payload.length + " bytes]";
    }
}
