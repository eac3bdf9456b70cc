package io.rollcall;

import io.rollcall.core.Bytes;
import io.rollcall.core.codec.SerfCodec;
import io.rollcall.core.codec.SerfQueryCodec;
import io.rollcall.core.message.SerfMessage;
import io.rollcall.core.security.GossipKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What {@link Rollcall#query} and the key operations send, in Serf's wire form, and how the key
 * operations' answers add up to a {@link KeyOperation}. Stateless.
 */
final class SerfRequests {
    private SerfRequests() {
    }

    /**
     * @return Serf's node filter and one tag filter per tag, in tag order
     * @throws IllegalArgumentException naming the tag whose expression a node would not evaluate
     */
    static List<Bytes> filters(QueryOptions options) {
        List<Bytes> filters = new ArrayList<>();
        if (!options.nodes().isEmpty()) {
            filters.add(Bytes.of(SerfQueryCodec.encodeNodeFilter(options.nodes())));
        }
        for (Map.Entry<String, String> tag : new TreeMap<>(options.tags()).entrySet()) {
            String problem = SerfQueryCodec.expressionProblem(tag.getValue());
            if (problem != null) {
                throw new IllegalArgumentException("tag filter " + tag.getKey() + ": " + problem);
            }
            filters.add(Bytes.of(SerfQueryCodec.encodeTagFilter(tag.getKey(), tag.getValue())));
        }
        return filters;
    }

    /** @return a key query's payload: Serf's key request, or nothing for listing the keys (a null key) */
    static Bytes keyRequest(String base64Key) {
        if (base64Key == null) {
            return Bytes.EMPTY;
        }
        GossipKey key = GossipKey.parseBase64(base64Key);
        return Bytes.of(SerfQueryCodec.encodeKeyRequest(new SerfMessage.KeyRequest(Bytes.of(key.bytes()))));
    }

    /**
     * @param members the members asked (reachable when the query started)
     * @param answers the query's acknowledgements and answers
     * @return each member's first answer, tallied
     */
    static KeyOperation keyOperation(int members, List<SerfMessage.QueryResponse> answers) {
        Map<String, String> failures = new TreeMap<>();
        Map<String, Integer> keys = new TreeMap<>();
        Map<String, Integer> primaries = new TreeMap<>();
        Set<String> answered = new HashSet<>();
        for (SerfMessage.QueryResponse a : answers) {
            if ((a.flags() & SerfMessage.QUERY_FLAG_ACK) != 0 || !answered.add(a.from())) {
                continue;
            }
            if (!(SerfCodec.decode(a.payload().toByteArray()) instanceof SerfMessage.KeyResponse r)) {
                failures.put(a.from(), "unreadable answer");
                continue;
            }
            if (!r.result()) {
                failures.put(a.from(), r.message());
                continue;
            }
            r.keys().forEach(k -> keys.merge(k, 1, Integer::sum));
            if (!r.primaryKey().isEmpty()) {
                primaries.merge(r.primaryKey(), 1, Integer::sum);
            }
        }
        return new KeyOperation(members, answered.size(), failures, keys, primaries);
    }
}
