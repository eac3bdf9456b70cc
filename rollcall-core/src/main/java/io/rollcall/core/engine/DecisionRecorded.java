package io.rollcall.core.engine;

import java.util.Objects;

/**
 * A decision this node just recorded about a member ({@link DecisionRecords}).
 *
 * @param member the member's name
 * @param record the record
 */
public record DecisionRecorded(String member, DecisionRecord record) implements Notification {
    /** Validates the fields. */
    public DecisionRecorded {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(record, "record");
    }
}
