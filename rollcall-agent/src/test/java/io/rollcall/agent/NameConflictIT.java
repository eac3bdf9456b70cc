package io.rollcall.agent;

import static io.rollcall.agent.AgentProcess.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17: an agent started with a name a live member holds exits 3 naming that member's address. */
class NameConflictIT {
    @TempDir
    Path dir;
    @RegisterExtension
    final AgentGroup agents = new AgentGroup();

    @Test
    void theImpostorExitsThreeNamingTheHoldersAddressAndTheClusterKeepsTheHolder() throws Exception {
        AgentProcess seed = agents.start(dir, "seed", "127.102.90.1", List.of());
        AgentProcess holder = agents.start(dir, "b", "127.102.90.2", List.of("--join", "127.102.90.1"));
        await("seed sees b", 20_000, () -> "alive".equals(seed.statuses().get("b")), () -> String.valueOf(seed.statuses()));

        var impostor = AgentProcess.cli(java.util.Map.of(), "agent", "--node", "b", "--bind", "127.102.90.3:7946", "--http",
                "127.102.90.3:7947", "--data-dir", dir.resolve("impostor").toString(), "--join", "127.102.90.1");
        assertThat(impostor.status()).as(impostor.err()).isEqualTo(ExitCode.JOIN.status);
        assertThat(impostor.err()).contains("rollcall: could not join any seed: 127.102.90.1:7946: the name 'b' is held by a live member at 127.102.90.2:7946");

        await("seed counts the conflict", 20_000, () -> {
            try {
                return seed.get("/v1/self").body().contains("\"name_conflicts\":1");
            } catch (java.io.IOException e) {
                return false;
            }
        }, seed::logText);
        assertThat(seed.logText()).containsOnlyOnce("name conflict: 'b' is held at 127.102.90.2:7946 and claimed at 127.102.90.3:7946");
        assertThat(seed.statuses()).containsEntry("b", "alive");
        assertThat(holder.statuses()).containsEntry("b", "alive");
        assertThat(seed.logText()).doesNotContain("member left: b").doesNotContain("member failed: b");
    }
}
