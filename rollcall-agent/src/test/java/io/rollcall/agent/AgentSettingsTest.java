package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollcall.Profile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentSettingsTest {
    @TempDir
    Path dir;

    @Test
    void defaultsApplyOnAFreshMachine() {
        AgentSettings s = AgentSettings.parse(List.of(), Map.of());
        assertThat(s.node()).isNull();
        assertThat(s.bind()).isEqualTo("0.0.0.0:7946");
        assertThat(s.http()).isEqualTo("127.0.0.1:7947");
        assertThat(s.dataDir()).isEqualTo(Path.of("data"));
        assertThat(s.profile()).isEqualTo(Profile.LAN);
        assertThat(s.logLevel()).isEqualTo("info");
    }

    @Test
    void discoveryFlagsTakeEverySeedFormAndRefuseBadOnesAtOnce() {
        AgentSettings s = AgentSettings.parse(List.of("--retry-join", "dns+rollcall.default.svc.cluster.local:7946",
                "--join", "dnssrv+_gossip._tcp.rollcall.default.svc.cluster.local", "--join", "seed.example.com",
                "--discover", "lab-1", "--seed-refresh-interval", "500ms"), Map.of());
        assertThat(s.discover()).isEqualTo("lab-1");
        assertThat(s.seedRefresh()).isEqualTo(java.time.Duration.ofMillis(500));
        assertThat(AgentSettings.parse(List.of(), Map.of()).seedRefresh()).isEqualTo(java.time.Duration.ofSeconds(60));
        assertThat(AgentSettings.parse(List.of("--seed-refresh-interval", "2m"), Map.of()).seedRefresh())
                .isEqualTo(java.time.Duration.ofMinutes(2));
        for (List<String> bad : List.of(List.of("--join", "dns+seed.example.com"), List.of("--retry-join", "dnssrv+example.com"),
                List.of("--join", "bad host"), List.of("--discover", "a b"), List.of("--seed-refresh-interval", "10ms"),
                List.of("--seed-refresh-interval", "soon"))) {
            assertThatThrownBy(() -> AgentSettings.parse(bad, Map.of())).as(bad.toString())
                    .isInstanceOf(AgentSettings.UsageException.class).hasMessageNotContaining("\n");
        }
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheConfigFile() throws Exception {
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, "node: from-file\nbind: 127.0.0.9:1000\nhttp: 127.0.0.9:1001\nprofile: wan\n"
                + "join: [127.0.0.8:7946]\ntags:\n  role: db\n  zone: a\n");
        AgentSettings s = AgentSettings.parse(List.of("--config", config.toString(), "--node", "from-flag", "--tag", "zone=b"),
                Map.of("ROLLCALL_NODE", "from-env", "ROLLCALL_BIND", "127.0.0.7:2000"));
        assertThat(s.node()).isEqualTo("from-flag");
        assertThat(s.bind()).isEqualTo("127.0.0.7:2000");
        assertThat(s.http()).isEqualTo("127.0.0.9:1001");
        assertThat(s.profile()).isEqualTo(Profile.WAN);
        assertThat(s.join()).containsExactly("127.0.0.8:7946");
        assertThat(s.tags()).containsEntry("role", "db").containsEntry("zone", "b");
    }

    @Test
    void jsonConfigFilesWorkToo() throws Exception {
        Path config = dir.resolve("agent.json");
        Files.writeString(config, "{\"node\": \"j\", \"retry_join\": [\"127.0.0.1:1\", \"127.0.0.2:2\"], \"event_handlers\": [\"echo hi\"]}");
        AgentSettings s = AgentSettings.parse(List.of("--config=" + config), Map.of());
        assertThat(s.node()).isEqualTo("j");
        assertThat(s.retryJoin()).containsExactly("127.0.0.1:1", "127.0.0.2:2");
        assertThat(s.eventHandlers()).containsExactly("echo hi");
    }

    @Test
    void repeatableFlagsHaveCommaSeparatedEnvironmentForms() {
        AgentSettings s = AgentSettings.parse(List.of(), Map.of("ROLLCALL_JOIN", "127.0.0.1:1, 127.0.0.2:2",
                "ROLLCALL_TAG", "a=1,b=2", "ROLLCALL_EVENT_HANDLER", "x"));
        assertThat(s.join()).containsExactly("127.0.0.1:1", "127.0.0.2:2");
        assertThat(s.tags()).containsEntry("a", "1").containsEntry("b", "2");
        assertThat(s.eventHandlers()).containsExactly("x");
    }

    @Test
    void mistakesAreOneLineThatNamesTheProblem() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "node: x\nbindd: 1\n");
        assertThatThrownBy(() -> AgentSettings.parse(List.of("--config", config.toString()), Map.of()))
                .isInstanceOf(AgentSettings.UsageException.class).hasMessageContaining("unknown key 'bindd'");
        assertThatThrownBy(() -> AgentSettings.parse(List.of("--nope", "1"), Map.of())).hasMessageContaining("unknown flag --nope");
        assertThatThrownBy(() -> AgentSettings.parse(List.of("--node"), Map.of())).hasMessageContaining("--node needs a value");
        // Unknown is what matters about an unknown flag, even as the last argument.
        assertThatThrownBy(() -> AgentSettings.parse(List.of("--bogus"), Map.of()))
                .hasMessage("unknown flag --bogus (see 'rollcall agent --help')");
        assertThatThrownBy(() -> AgentSettings.parse(List.of("--node", "n1", "--verbose"), Map.of()))
                .hasMessage("unknown flag --verbose (see 'rollcall agent --help')");
        assertThatThrownBy(() -> AgentSettings.parse(List.of("--profile", "fast"), Map.of())).hasMessageContaining("lan, wan or local");
        assertThatThrownBy(() -> AgentSettings.parse(List.of("--tag", "novalue"), Map.of())).hasMessageContaining("KEY=VALUE");
        assertThatThrownBy(() -> AgentSettings.parse(List.of("--config", dir.resolve("missing.yaml").toString()), Map.of()))
                .hasMessageContaining("cannot read config file");
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"node\": ");
        assertThatThrownBy(() -> AgentSettings.parse(List.of("--config", broken.toString()), Map.of()))
                .hasMessageContaining("is not valid JSON: expected a value at offset 9").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void anHttpTokenNoHeaderCouldCarryIsAUsageError() {
        for (String bad : List.of("two words", "new\nline", "t\u00e9")) {
            assertThatThrownBy(() -> AgentSettings.parse(List.of("--http-token", bad), Map.of()))
                    .isInstanceOf(AgentSettings.UsageException.class).hasMessageContaining("visible ASCII");
        }
        assertThat(AgentSettings.parse(List.of("--http-token", "Zm9v-bar_~+/="), Map.of()).httpToken()).isEqualTo("Zm9v-bar_~+/=");
    }

    @Test
    void theStreamsPerSourceLimitIsAWholeNumberWithinTheTotal() {
        assertThat(AgentSettings.parse(List.of(), Map.of()).maxStreamsPerSource()).isEqualTo(8);
        assertThat(AgentSettings.parse(List.of("--max-streams-per-source", "32"), Map.of()).maxStreamsPerSource()).isEqualTo(32);
        assertThat(AgentSettings.parse(List.of(), Map.of("ROLLCALL_MAX_STREAMS_PER_SOURCE", "2")).maxStreamsPerSource()).isEqualTo(2);
        for (String bad : List.of("0", "129", "-1", "x", "8.5", "0128")) {
            assertThatThrownBy(() -> AgentSettings.parse(List.of("--max-streams-per-source", bad), Map.of()))
                    .as(bad).isInstanceOf(AgentSettings.UsageException.class).hasMessageContaining("from 1 to 128");
        }
    }
}
