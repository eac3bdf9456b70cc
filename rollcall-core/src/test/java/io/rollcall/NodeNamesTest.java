package io.rollcall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class NodeNamesTest {
    @Test
    void namesRealClustersUseAreValid() {
        for (String name : List.of("n1", "web-01", "ip-10-0-3-17.eu-west-1.compute.internal", "db_primary", "Node.Example.COM",
                "ingester-7f9c4d-x2x7q", "a", "x".repeat(NodeNames.MAX_NODE_NAME_BYTES), "10.0.0.1", "consul-server-0.dc1")) {
            assertThat(NodeNames.problem(name)).as(name).isNull();
            assertThat(NodeNames.isValid(name)).as(name).isTrue();
        }
    }

    @Test
    void whatCouldReachATerminalLogOrHandlerIsRefusedWithoutRepeatingTheName() {
        assertThat(NodeNames.problem("")).isEqualTo("node name must not be empty");
        assertThat(NodeNames.problem(null)).isEqualTo("node name must not be empty");
        assertThat(NodeNames.problem("x".repeat(5_000))).isEqualTo("node name is 5000 characters; the limit is 128");
        assertThat(NodeNames.problem("x".repeat(129))).isEqualTo("node name is 129 characters; the limit is 128");
        assertThat(NodeNames.problem("a\nb")).startsWith("node name has U+000A at position 2; allowed are");
        assertThat(NodeNames.problem("a\tb")).startsWith("node name has U+0009 at position 2");
        assertThat(NodeNames.problem("\u001b[31m")).startsWith("node name has U+001B at position 1");
        assertThat(NodeNames.problem("bad\uFFFD")).startsWith("node name has invalid UTF-8 (U+FFFD) at position 4");
        assertThat(NodeNames.problem("a b")).startsWith("node name has U+0020 at position 2");
        assertThat(NodeNames.problem("a;b")).startsWith("node name has ';' at position 2");
        assertThat(NodeNames.problem("caf\u00e9")).startsWith("node name has U+00E9 at position 4");
        assertThat(NodeNames.problem("a\u202eb")).startsWith("node name has U+202E");
        for (String bad : List.of("", "a\nb", "a\u0000", "x".repeat(129), "a:b", "a/b", "\u00e9")) {
            assertThat(NodeNames.isValid(bad)).as(bad).isFalse();
        }
        assertThatThrownBy(() -> NodeNames.requireValid("a\nb")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("\n");
    }

    @Test
    void theJavaApiRefusesAnInvalidNodeName() {
        assertThatThrownBy(() -> RollcallConfig.builder("evil\nname").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("node name has U+000A at position 5");
    }
}
