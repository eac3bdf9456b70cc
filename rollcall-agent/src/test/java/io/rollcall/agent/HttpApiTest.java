package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.KeyOperation;
import io.rollcall.Rollcall;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The API's own request handling (token, decoding) over a real socket, with an agent that only answers /v1/self. */
class HttpApiTest {
    private HttpApi api;

    /** Answers {@code info()}; any other use of the agent fails the request, which the tests below never make. */
    private static final class InfoOnly implements HttpApi.Control {
        @Override
        public Rollcall node() {
            throw new UnsupportedOperationException("no node in this test");
        }

        @Override
        public Map<String, Object> info() {
            return Map.of("name", "n1");
        }

        @Override
        public boolean leave() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, String> updateTags(Map<String, String> set, List<String> delete) {
            throw new UnsupportedOperationException();
        }

        @Override
        public KeyOperation keys(String operation, String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String metrics() {
            return "";
        }

        @Override
        public HealthProbes.Verdict live() {
            return HealthProbes.Verdict.OK;
        }

        @Override
        public HealthProbes.Verdict ready() {
            return HealthProbes.Verdict.no("not joined: no other member has been reachable yet");
        }
    }

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    private String exchange(String request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(api.address(), 2_000);
            s.setSoTimeout(5_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void theBearerSchemeIsCaseInsensitiveAndEveryOtherCredentialGets401() throws IOException {
        api = new HttpApi(new InetSocketAddress("127.0.0.1", 0), new InfoOnly(), "s3cret");
        api.start();
        for (String auth : List.of("Bearer s3cret", "bearer s3cret", "BEARER s3cret", "Bearer   s3cret")) {
            assertThat(exchange("GET /v1/self HTTP/1.1\r\nAuthorization: " + auth + "\r\n\r\n")).as(auth)
                    .startsWith("HTTP/1.1 200 ").endsWith("{\"name\":\"n1\"}\n");
        }
        assertThat(exchange("GET /v1/self HTTP/1.1\r\nX-Rollcall-Token: s3cret\r\n\r\n")).startsWith("HTTP/1.1 200 ");
        for (String auth : List.of("Basic s3cret", "Bearer", "Bearer s3cre", "s3cret", "Bearers3cret")) {
            assertThat(exchange("GET /v1/self HTTP/1.1\r\nAuthorization: " + auth + "\r\n\r\n")).as(auth)
                    .startsWith("HTTP/1.1 401 Unauthorized\r\n").contains("\r\nWWW-Authenticate: Bearer\r\n")
                    .endsWith("{\"error\":\"missing or wrong token (set --token or ROLLCALL_HTTP_TOKEN)\"}\n");
        }
    }

    @Test
    void aBadPercentEscapeIsA400ThatSaysSo() throws IOException {
        api = new HttpApi(new InetSocketAddress("127.0.0.1", 0), new InfoOnly(), null);
        api.start();
        assertThat(exchange("GET /v1/members/a%zz HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400 ")
                .endsWith("{\"error\":\"bad percent-escape in the path: 'a%zz' (a % must be followed by two hex digits)\"}\n")
                .doesNotContain("URLDecoder");
        assertThat(exchange("GET /v1/members?status=%4 HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400 ")
                .contains("bad percent-escape in the query: '%4'");
    }

    @Test
    void theHttpServersRefusalsAreInTheMetrics() throws IOException {
        api = new HttpApi(new InetSocketAddress("127.0.0.1", 0), new InfoOnly(), "s3cret");
        api.start();
        exchange("GET /v1/self HTTP/1.1\r\n\r\n");
        assertThat(exchange("GET /metrics HTTP/1.1\r\nAuthorization: Bearer s3cret\r\n\r\n"))
                .contains("# TYPE rollcall_http_refused_total counter\n")
                .contains("rollcall_http_refused_total{reason=\"unauthorized\"} 1.0\n")
                .contains("rollcall_http_refused_total{reason=\"head_displaced\"} 0.0\n");
    }

    @Test
    void aWrongMethodGets405WithAnAllowHeader() throws IOException {
        api = new HttpApi(new InetSocketAddress("127.0.0.1", 0), new InfoOnly(), null);
        api.start();
        assertThat(exchange("DELETE /v1/self HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 405 Method Not Allowed\r\n")
                .contains("\r\nAllow: GET\r\n").endsWith("{\"error\":\"use GET here, not DELETE\"}\n");
    }

    @Test
    void theHealthProbesNeedNoTokenAndOnlyAnswerGet() throws IOException {
        api = new HttpApi(new InetSocketAddress("127.0.0.1", 0), new InfoOnly(), "s3cret");
        api.start();
        assertThat(exchange("GET /v1/health/live HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200 ")
                .endsWith("{\"status\":\"ok\"}\n");
        assertThat(exchange("GET /v1/health/ready HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 503 ")
                .endsWith("{\"status\":\"unavailable\",\"reason\":\"not joined: no other member has been reachable yet\"}\n");
        assertThat(exchange("POST /v1/health/live HTTP/1.1\r\nContent-Length: 0\r\n\r\n")).startsWith("HTTP/1.1 405 ");
        assertThat(exchange("GET /v1/health HTTP/1.1\r\n\r\n")).as("the detailed health still needs the token")
                .startsWith("HTTP/1.1 401 ");
        assertThat(exchange("GET /v1/health/live/../../self HTTP/1.1\r\n\r\n")).as("only the exact paths")
                .startsWith("HTTP/1.1 401 ");
    }
}
