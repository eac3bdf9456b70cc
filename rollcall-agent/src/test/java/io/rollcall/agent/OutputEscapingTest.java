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
import org.junit.jupiter.api.Test;

/** Issue 15, finding 3: what peers send reaches the handler record, the log, JSON output and flags escaped or refused. */
class OutputEscapingTest {
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
