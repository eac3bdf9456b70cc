package io.rollcall;

import java.util.Map;

/**
 * The cluster's answers to a key operation ({@link Rollcall#installKey}, {@link Rollcall#useKey},
 * {@link Rollcall#removeKey}, {@link Rollcall#listKeys}), gathered as Serf gathers them.
 *
 * @param members     members reachable when the operation started
 * @param responses   members that answered in time
 * @param failures    member name to the reason its keyring refused the operation
 * @param keys        for listing: each installed key (base64) to how many members hold it
 * @param primaryKeys for listing: each primary key (base64) to how many members use it
 */
public record KeyOperation(int members, int responses, Map<String, String> failures, Map<String, Integer> keys,
                           Map<String, Integer> primaryKeys) {
    /**
     * Copies the maps.
     *
     * @param members     see the record component
     * @param responses   see the record component
     * @param failures    see the record component
     * @param keys        see the record component
     * @param primaryKeys see the record component
     */
    public KeyOperation {
        failures = Map.copyOf(failures);
        keys = Map.copyOf(keys);
        primaryKeys = Map.copyOf(primaryKeys);
    }

    /** @return true if every reachable member answered and none refused */
    public boolean complete() {
        return failures.isEmpty() && responses >= members;
    }
}
