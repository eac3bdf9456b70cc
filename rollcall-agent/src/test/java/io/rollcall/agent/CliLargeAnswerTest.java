package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The CLI reads its agent's answers at cluster size: {@code /v1/members} of a few thousand members is
 * megabytes (it used to be refused as "an unreadable answer" beyond 1 MiB, about 4,000 members).
 */
class CliLargeAnswerTest {
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void membersListsAClusterWhoseAnswerIsSeveralMegabytes() throws Exception {
        int count = 8_000;
        StringBuilder body = new StringBuilder("{\"members\":[");
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                body.append(',');
            }
            body.append("{\"name\":\"node-").append(i).append("\",\"address\":\"10.1.").append(i / 250).append('.')
                    .append(i % 250).append(":7946\",\"status\":\"alive\",\"incarnation\":1,\"tags\":{\"role\":\"")
                    .append("w".repeat(300)).append("\"}}");
        }
        byte[] answer = body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        assertThat(answer.length).isGreaterThan(2 * Json.MAX_INPUT_CHARS);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/members", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int status = new Cli(Map.of(), new PrintStream(printed, true, StandardCharsets.UTF_8)).run("members",
                List.of("--agent", "http://127.0.0.1:" + server.getAddress().getPort()));

        assertThat(status).isEqualTo(ExitCode.OK.status);
        String table = printed.toString(StandardCharsets.UTF_8);
        assertThat(table.lines().count()).isEqualTo(count + 1);
        assertThat(table).contains("node-7999");
    }
}
