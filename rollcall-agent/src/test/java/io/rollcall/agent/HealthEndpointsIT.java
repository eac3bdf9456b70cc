package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/health/live} and {@code /v1/health/ready} on real agent processes (127.102.61.0/24),
 * as a kubelet asks them: no token, even when the API requires one.
 */
class HealthEndpointsIT {
    private static final String TOKEN = "probe-test-token";
    /** Nobody listens here: a seed that never answers. */
    private static final String DEAD_SEED = "127.102.61.99:7946";

    @TempDir
    Path dir;
    @RegisterExtension
    final AgentGroup agents = new AgentGroup();

    private AgentProcess agent(String name, String ip, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--http-token", TOKEN));
        args.addAll(List.of(extra));
        return agents.start(dir, name, ip, args);
    }

    private static Map<?, ?> body(HttpResponse<String> r) {
        return (Map<?, ?>) Json.read(r.body());
    }

    private static int status(AgentProcess a, String path) {
        try {
            return a.get(path).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void probesNeedNoTokenAndSayOnlyStatusAndReason() throws Exception {
        AgentProcess a = agent("a", "127.102.61.1", "--bootstrap-node", "a", "--retry-join", DEAD_SEED);
        HttpResponse<String> live = a.get(HttpApi.LIVE_PATH);
        assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
        assertThat(body(live)).isEqualTo(Map.of("status", "ok"));
        HttpResponse<String> ready = a.get(HttpApi.READY_PATH);
        assertThat(ready.statusCode()).as("the bootstrap node is ready alone: " + ready.body()).isEqualTo(200);
        assertThat(body(ready)).isEqualTo(Map.of("status", "ok"));
        assertThat(a.get("/v1/health").statusCode()).as("the detailed health still needs the token").isEqualTo(401);
        assertThat(a.send(HttpRequest.newBuilder(URI.create(a.url() + HttpApi.READY_PATH))
                .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(405);
    }

    @Test
    void aNodeBecomesReadyOnceJoinedAndAPartnersCrashLeavesItReadyAndLive() throws Exception {
        AgentProcess first = agent("first", "127.102.61.11", "--bootstrap-node", "first");
        AgentProcess late = agent("late", "127.102.61.12", "--retry-join", DEAD_SEED);
        HttpResponse<String> unready = late.get(HttpApi.READY_PATH);
        assertThat(unready.statusCode()).isEqualTo(503);
        assertThat(body(unready)).isEqualTo(Map.of("status", "unavailable",
                "reason", "not joined: no other member has been reachable yet"));
        assertThat(status(late, HttpApi.LIVE_PATH)).as("live never depends on membership").isEqualTo(200);

        HttpResponse<String> join = late.send(HttpRequest.newBuilder(URI.create(late.url() + "/v1/join"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"addresses\": [\"" + first.gossipAddress() + "\"]}")).build());
        assertThat(join.statusCode()).as(join.body()).isEqualTo(200);
        AgentProcess.await("late ready after joining", 10_000, () -> status(late, HttpApi.READY_PATH) == 200,
                () -> String.valueOf(status(late, HttpApi.READY_PATH)));

        first.kill();
        AgentProcess.await("late sees first failed", 20_000, () -> {
            try {
                return late.send(HttpRequest.newBuilder(URI.create(late.url() + "/v1/members/first"))
                        .header("Authorization", "Bearer " + TOKEN).GET().build()).body().contains("\"failed\"");
            } catch (IOException e) {
                return false;
            }
        }, () -> "not failed yet");
        assertThat(status(late, HttpApi.LIVE_PATH)).isEqualTo(200);
        assertThat(status(late, HttpApi.READY_PATH)).as("alone again after joining: still ready").isEqualTo(200);
    }

    @Test
    void aNodeWithNoSeedIsTheFirstNodeAndIsReady() throws Exception {
        AgentProcess solo = agent("solo", "127.102.61.21");
        assertThat(status(solo, HttpApi.READY_PATH)).isEqualTo(200);
    }
}
