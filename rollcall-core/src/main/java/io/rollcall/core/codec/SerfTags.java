package io.rollcall.core.codec;

import io.rollcall.core.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Member metadata as Serf encodes tags: a 0xFF magic byte, then a msgpack map of strings. Metadata
 * without the magic byte is read as Serf reads it, as the single tag {@code role}.
 */
public final class SerfTags {
    private static final int MAGIC = 0xFF;

    private SerfTags() {
    }

    /**
     * @param tags tag names and values
     * @return the metadata bytes
     */
    public static Bytes encode(Map<String, String> tags) {
        Map<String, String> sorted = new TreeMap<>(tags);
        GoMsgpackWriter w = new GoMsgpackWriter().rawByte(MAGIC).map(sorted.size());
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            w.text(e.getKey()).text(e.getValue());
        }
        return Bytes.of(w.toByteArray());
    }

    /**
     * @param meta member metadata
     * @return the tags; metadata that is not a readable tag map becomes {@code {role: <meta as text>}}
     */
    public static Map<String, String> decode(Bytes meta) {
        byte[] raw = meta.toByteArray();
        if (raw.length == 0 || (raw[0] & 0xFF) != MAGIC) {
            return Map.of("role", new String(raw, StandardCharsets.UTF_8));
        }
        try {
            GoMsgpackReader r = new GoMsgpackReader(raw, 1, raw.length - 1);
            Map<String, String> tags = new TreeMap<>();
            for (int i = r.readMapHeader(); i > 0; i--) {
                String key = r.readText("tag name");
                tags.put(key, r.readText("tag value"));
            }
            r.expectEnd("tags");
            return Map.copyOf(tags);
        } catch (DropException e) {
            return Map.of("role", new String(raw, StandardCharsets.UTF_8));
        }
    }
}
