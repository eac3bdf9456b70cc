package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonReaderTest {
    @Test
    void readsEveryKindOfValue() {
        Object doc = Json.read(" {\"name\": \"web-1\", \"incarnation\": 7, \"big\": 12345678901234567890, \"ratio\": -1.5e2,"
                + " \"on\": true, \"off\": false, \"none\": null, \"list\": [1, [], {}], \"esc\": \"a\\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00\"}\n");
        assertThat(doc).isEqualTo(mapOf("name", "web-1", "incarnation", 7L, "big", 1.2345678901234567e19, "ratio", -150.0,
                "on", true, "off", false, "none", null, "list", List.of(1L, List.of(), Map.of()),
                "esc", "a\"b\\c/\n\u00e9\ud83d\ude00"));
        assertThat(((Map<?, ?>) doc).keySet()).first().isEqualTo("name");
    }

    @Test
    void rejectsWhatIsNotJsonWithOneLineNamingTheOffset() {
        for (String bad : List.of("", "{", "{\"a\":1,}", "[1 2]", "{a:1}", "'x'", "01", "1.", "-", "tru", "\"\t\"",
                "\"\\x\"", "\"\\u12\"", "{\"a\":1} x", "[1,]", "nulls", "{\"a\" 1}", "\"open")) {
            assertThatThrownBy(() -> Json.read(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("not valid JSON: expected").hasMessageContaining("at offset")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void aRepeatedKeyIsAnError() {
        assertThatThrownBy(() -> Json.read("{\"a\": 1, \"a\": 2}")).hasMessageContaining("no repeated key \"a\"");
    }

    @Test
    void nestingIsBoundedSoHostileInputCannotExhaustTheStack() {
        String ok = "[".repeat(JsonReader.MAX_DEPTH) + "]".repeat(JsonReader.MAX_DEPTH);
        assertThat(Json.read(ok)).isInstanceOf(List.class);
        String deep = "[".repeat(100_000);
        assertThatThrownBy(() -> Json.read(deep)).hasMessageContaining("nesting at most " + JsonReader.MAX_DEPTH);
        assertThatThrownBy(() -> Json.read(" ".repeat(Json.MAX_INPUT_CHARS + 1))).hasMessageContaining("larger than");
    }

    @Test
    void whatTheWriterWritesTheReaderReadsBack() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            Object value = randomValue(rnd, 0);
            String text = Json.write(value);
            assertThat(Json.read(text)).as("seed %d, document %s", seed, text).isEqualTo(value);
        }
    }

    @Test
    void configFilesMayBeYamlButJsonIsReadStrictly() {
        assertThat(Json.readJsonOrYaml("bind: 127.0.0.1:7946\ntag:\n  - role=web\n"))
                .isEqualTo(mapOf("bind", "127.0.0.1:7946", "tag", List.of("role=web")));
        assertThat(Json.readJsonOrYaml("  {\"bind\": \"127.0.0.1:7946\"}")).isEqualTo(mapOf("bind", "127.0.0.1:7946"));
        assertThatThrownBy(() -> Json.readJsonOrYaml("{\"bind\": }")).hasMessageStartingWith("not valid JSON");
        assertThatThrownBy(() -> Json.readJsonOrYaml("a: [1")).hasMessageStartingWith("not valid JSON or YAML");
    }

    private static Object randomValue(Random rnd, int depth) {
        int kind = rnd.nextInt(depth > 3 ? 5 : 7);
        switch (kind) {
            case 0:
                return null;
            case 1:
                return rnd.nextBoolean();
            case 2:
                return rnd.nextLong();
            case 3:
                return rnd.nextInt(1000) / 8.0 + 0.5;
            case 4: {
                StringBuilder sb = new StringBuilder();
                for (int i = rnd.nextInt(12); i > 0; i--) {
                    sb.append((char) (rnd.nextBoolean() ? rnd.nextInt(0x80) : rnd.nextInt(0xd000)));
                }
                return sb.toString();
            }
            case 5: {
                List<Object> list = new ArrayList<>();
                for (int i = rnd.nextInt(4); i > 0; i--) {
                    list.add(randomValue(rnd, depth + 1));
                }
                return list;
            }
            default: {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = rnd.nextInt(4); i > 0; i--) {
                    map.put("k" + rnd.nextInt(100), randomValue(rnd, depth + 1));
                }
                return map;
            }
        }
    }

    private static Map<String, Object> mapOf(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
