package io.rollcall.core.serf;

import io.rollcall.core.Bytes;
import io.rollcall.core.codec.SerfQueryCodec;
import java.util.List;
import java.util.Map;

/**
 * Serf's query filters: a node only answers a query whose every filter matches it. Filter type 0
 * lists node names; type 1 is a tag name and a regular expression its value must match. A filter
 * this node cannot read does not match, so a node never answers what it may not be meant to.
 */
final class QueryFilters {
    private QueryFilters() {
    }

    static boolean match(List<Bytes> filters, String selfName, Map<String, String> tags) {
        for (Bytes filter : filters) {
            if (!SerfQueryCodec.filterMatches(filter.toByteArray(), selfName, tags)) {
                return false;
            }
        }
        return true;
    }
}
