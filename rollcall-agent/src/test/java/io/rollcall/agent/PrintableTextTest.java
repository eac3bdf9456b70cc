package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.ClusterMember;
import io.rollcall.MemberStatus;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Issue 15, finding 3: what peers send reaches terminals, the log and handlers escaped, in one place. */
class PrintableTextTest {
    @Test
    void printableTextPassesAndEverythingElseIsEscaped() {
        assertThat(PrintableText.escape("web-01 role=db caf\u00e9 \u65e5\u672c")).isEqualTo("web-01 role=db caf\u00e9 \u65e5\u672c");
        assertThat(PrintableText.escape("a\nb\tc\rd\\e")).isEqualTo("a\\nb\\tc\\rd\\\\e");
        assertThat(PrintableText.escape("\u001b[31mred\u001b]0;t\u0007")).isEqualTo("\\x1B[31mred\\x1B]0;t\\x07");
        assertThat(PrintableText.escape("\u0000\u007f\u009b")).isEqualTo("\\x00\\x7F\\x9B");
        assertThat(PrintableText.escape("a\u202eb\u200bc\u2028")).isEqualTo("a\\u{202E}b\\u{200B}c\\u{2028}");
        assertThat(PrintableText.escape("\ud800x")).isEqualTo("\\u{D800}x");
        assertThat(PrintableText.escape(null)).isEqualTo("null");
    }

    @Test
    void escapedTextIsOneLineOfPrintableCharactersWhateverTheInput() {
        long seed = 2615L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 5_000; round++) {
            StringBuilder b = new StringBuilder();
            for (int i = random.nextInt(40); i > 0; i--) {
                b.append((char) (random.nextBoolean() ? random.nextInt(0x100) : random.nextInt(0x10000)));
            }
            String escaped = PrintableText.escape(b.toString());
            assertThat(escaped.codePoints()).as("seed %d round %d: %s", seed, round, escaped)
                    .allMatch(cp -> cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp <= 0x9F) && Character.isDefined(cp)
                            && Character.getType(cp) != Character.FORMAT && Character.getType(cp) != Character.SURROGATE
                            && cp != 0x2028 && cp != 0x2029);
        }
    }

    @Test
    void aHandlerRecordStaysThreeFieldsOnOneLine() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("role", "web\nmember-failed\tforged");
        tags.put("t\u001b", "\u001b[2J");
        ClusterMember m = new ClusterMember("n2", new InetSocketAddress("127.0.0.2", 7946), tags, MemberStatus.ALIVE, Instant.EPOCH, 1);
        String line = EventHandlers.memberLine(m);
        assertThat(line).isEqualTo("n2\t127.0.0.2:7946\trole=web\\nmember-failed\\tforged,t\\x1B=\\x1B[2J\n");
        assertThat(line.strip().split("\t", -1)).hasSize(3);
    }

    @Test
    void logLinesCarryNoControlCharacters() {
        LineLoggerFinder finder = new LineLoggerFinder(System.err);
        String line = finder.format(0, Level.WARNING, "x.Y", "member \u001b[31mx\u001b[0m\nforged line", new IllegalStateException("a\nb\u0007"));
        assertThat(line).isEqualTo("1970-01-01T00:00:00.000Z [WARN] Y: member \\x1B[31mx\\x1B[0m\\nforged line: "
                + "java.lang.IllegalStateException: a\\nb\\x07" + System.lineSeparator());
    }

    @Test
    void jsonOutputEscapesControlsAndInvisibleCharactersAndReadsBackTheSame() {
        String hostile = "a\u001b[2J\u007f\u009b\u202e\u2028b";
        String json = Json.write(Map.of("v", hostile));
        assertThat(json).isEqualTo("{\"v\":\"a\\u001b[2J\\u007f\\u009b\\u202e\\u2028b\"}");
        assertThat(((Map<?, ?>) Json.read(json)).get("v")).isEqualTo(hostile);
    }

    @Test
    void theNodeFlagFollowsTheNameRule() {
        for (String bad : List.of("a b", "evil\nname", "x".repeat(129), "\u001b[31m")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> AgentSettings.parse(List.of("--node", bad), Map.of()))
                    .as(bad).isInstanceOf(AgentSettings.UsageException.class).hasMessageStartingWith("node name ")
                    .hasMessageNotContaining("\n").hasMessageNotContaining("\u001b");
        }
        assertThat(AgentSettings.parse(List.of("--node", "ip-10-0-0-1.ec2.internal"), Map.of()).node()).isEqualTo("ip-10-0-0-1.ec2.internal");
    }
}
