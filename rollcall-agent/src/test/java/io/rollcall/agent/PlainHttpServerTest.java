package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PlainHttpServerTest {
    private static final String TOKEN = "sesame";
    private PlainHttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch holding = new CountDownLatch(1);
    private final List<Socket> slow = new CopyOnWriteArrayList<>();
    private java.util.concurrent.ScheduledExecutorService trickler;

    private void start(int maxRequests) throws IOException {
        start(new PlainHttpServer.Limits(maxRequests, 32, 8, 10_000, 30_000), req -> null);
    }

    private void start(PlainHttpServer.Limits limits, PlainHttpServer.Authorizer authorizer) throws IOException {
        server = new PlainHttpServer(new InetSocketAddress("127.0.0.1", 0), 64, limits, authorizer, this::handle);
        server.start();
    }

    /** Only requests carrying {@link #TOKEN} in X-Token go on. */
    private static String tokenCheck(PlainHttpServer.Request req) {
        return TOKEN.equals(req.header("X-Token")) ? null : "no token";
    }

    private void handle(PlainHttpServer.Request req, PlainHttpServer.Response res) throws Exception {
        switch (req.path()) {
            case "/echo" -> {
                byte[] body = req.body().readAllBytes();
                String text = req.method() + " " + req.query() + " " + req.header("X-Test") + " " + new String(body, StandardCharsets.UTF_8);
                res.send(200, "text/plain", text.getBytes(StandardCharsets.UTF_8));
            }
            case "/refuse" -> res.send(413, "text/plain", "too big".getBytes(StandardCharsets.UTF_8));
            case "/stream" -> {
                OutputStream out = res.stream(200, "text/event-stream", "no-cache");
                out.write("one\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                out.write("two\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            case "/hold" -> {
                holding.countDown();
                release.await(10, TimeUnit.SECONDS);
                res.send(200, "text/plain", new byte[0]);
            }
            case "/throw" -> throw new IllegalStateException("boom");
            default -> { } // no answer at all
        }
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (trickler != null) {
            trickler.shutdownNow();
        }
        for (Socket s : slow) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing a test client
            }
        }
        if (server != null) {
            server.close();
        }
    }

    private String exchange(String request) throws IOException {
        return exchange(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    private String exchange(byte[] request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server.address(), 2_000);
            s.setSoTimeout(5_000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return readAll(s.getInputStream());
        }
    }

    private Socket connectAndSend(String partOfARequest) throws IOException {
        Socket s = new Socket();
        s.connect(server.address(), 2_000);
        s.getOutputStream().write(partOfARequest.getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void answersWithLengthDateAndClose() throws IOException {
        start(4);
        String answer = exchange("POST /echo?a=1 HTTP/1.1\r\nHost: x\r\nx-test: yes\r\nContent-Length: 5\r\n\r\nhello");
        assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n")
                .containsPattern("\r\nDate: [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\r\n")
                .contains("\r\nContent-Length: 18\r\n", "\r\nConnection: close\r\n", "\r\nContent-Type: text/plain\r\n")
                .endsWith("\r\n\r\nPOST a=1 yes hello");
    }

    @Test
    void theBodyEndsAtContentLengthAndABareLineFeedIsAccepted() throws IOException {
        start(4);
        String answer = exchange("GET /echo HTTP/1.1\nContent-Length: 2\n\nabcdef");
        assertThat(answer).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\nGET null null ab");
    }

    @Test
    void streamsAreChunkedForHttp11AndEndWithTheConnectionForHttp10() throws IOException {
        start(4);
        assertThat(exchange("GET /stream HTTP/1.1\r\n\r\n"))
                .contains("\r\nTransfer-Encoding: chunked\r\n", "\r\nCache-Control: no-cache\r\n")
                .endsWith("\r\n\r\n4\r\none\n\r\n4\r\ntwo\n\r\n0\r\n\r\n");
        String old = exchange("GET /stream HTTP/1.0\r\n\r\n");
        assertThat(old).doesNotContain("Transfer-Encoding").endsWith("\r\n\r\none\ntwo\n");
    }

    @Test
    void malformedRequestsGetOneLineErrors() throws IOException {
        start(4);
        assertThat(exchange("garbage\r\n\r\n")).startsWith("HTTP/1.1 400 ").endsWith("{\"error\":\"malformed request line\"}\n");
        assertThat(exchange("GET / HTTP/2.0\r\n\r\n")).startsWith("HTTP/1.1 505 ");
        assertThat(exchange("GET / HTTP/1.7\r\n\r\n")).startsWith("HTTP/1.1 505 ");
        assertThat(exchange("GET / HTTP/1.1x\r\n\r\n")).startsWith("HTTP/1.1 505 ");
        assertThat(exchange("GET nopath HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(exchange("GET /echo HTTP/1.1\r\nno colon here\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(exchange("GET /echo HTTP/1.1\r\nContent-Length: -3\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(exchange("GET /echo HTTP/1.1\r\nContent-Length: x\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(exchange("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")).startsWith("HTTP/1.1 411 ");
    }

    @Test
    void headsBeyondTheLimitsAreRefused() throws IOException {
        start(4);
        String longHeader = "X-Big: " + "a".repeat(PlainHttpServer.MAX_HEAD_BYTES) + "\r\n";
        assertThat(exchange("GET /echo HTTP/1.1\r\n" + longHeader + "\r\n")).startsWith("HTTP/1.1 431 ");
        StringBuilder many = new StringBuilder("GET /echo HTTP/1.1\r\n");
        for (int i = 0; i <= PlainHttpServer.MAX_HEADERS; i++) {
            many.append("H").append(i).append(": v\r\n");
        }
        assertThat(exchange(many.append("\r\n").toString())).startsWith("HTTP/1.1 431 ");
        StringBuilder exactly = new StringBuilder("GET /echo HTTP/1.1\r\n");
        for (int i = 0; i < PlainHttpServer.MAX_HEADERS; i++) {
            exactly.append("H").append(i).append(": v\r\n");
        }
        assertThat(exchange(exactly.append("\r\n").toString())).startsWith("HTTP/1.1 200 ");
    }

    @Test
    void anEarlyAnswerToALargeBodyReachesTheClient() throws IOException {
        start(4);
        byte[] head = "POST /refuse HTTP/1.1\r\nContent-Length: 200000\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + 200_000];
        System.arraycopy(head, 0, request, 0, head.length);
        // Unread input at close would make the kernel reset the connection, destroying the answer.
        assertThat(exchange(request)).startsWith("HTTP/1.1 413 ").endsWith("too big");
    }

    @Test
    void aHandlerThatFailsOrSaysNothingLeavesA500() throws IOException {
        start(4);
        assertThat(exchange("GET /throw HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 500 ");
        assertThat(exchange("GET /nothing HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 500 ");
    }

    @Test
    void requestsBeyondTheRequestSlotsGet503() throws Exception {
        start(1);
        try (Socket held = connectAndSend("GET /hold HTTP/1.1\r\n\r\n")) {
            assertThat(holding.await(5, TimeUnit.SECONDS)).as("the held request occupies the only request slot").isTrue();
            assertThat(exchange("GET /echo HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                    .contains("\r\nRetry-After: 1\r\n").endsWith("{\"error\":\"too many HTTP requests\"}\n");
            assertThat(server.refusals().get(PlainHttpServer.Refusal.REQUEST_LIMIT)).isGreaterThanOrEqualTo(1);
            release.countDown();
            held.setSoTimeout(5_000);
            assertThat(readAll(held.getInputStream())).startsWith("HTTP/1.1 200 ");
        }
    }

    @Test
    void aClientThatClosesEarlyLeavesTheServerServing() throws IOException {
        start(4);
        connectAndSend("GET /echo HTTP/1.1\r\nHost").close();
        assertThat(exchange("GET /echo HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200 ");
    }

    /** Opens a slowloris connection from {@code local}: a request line and the start of a header, then nothing. */
    private void openSlow(String local) throws IOException {
        Socket s = new Socket();
        slow.add(s);
        s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
        s.connect(server.address(), 2_000);
        s.getOutputStream().write("GET /echo HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
    }

    /** One more header byte on every slow connection every 2 s (below the 10 s read timeout), as in the finding. */
    private void trickle() {
        trickler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        trickler.scheduleWithFixedDelay(() -> slow.forEach(s -> sendQuietly(s, 1)), 2, 2, TimeUnit.SECONDS);
    }

    /** Sends {@code bytes} bytes, one each 100 ms, until the server closes the connection. */
    private static void sendQuietly(Socket s, int bytes) {
        for (int i = 0; i < bytes; i++) {
            try {
                s.getOutputStream().write('a');
                if (bytes > 1) {
                    Thread.sleep(100);
                }
            } catch (IOException closedByServer) {
                return; // displaced or timed out: an attacker would open another
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private String authorised(String local) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
            s.connect(server.address(), 2_000);
            s.setSoTimeout(5_000);
            s.getOutputStream().write(("GET /echo HTTP/1.1\r\nX-Token: " + TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return readAll(s.getInputStream());
        }
    }

    private void awaitDisplaced(long n) throws InterruptedException {
        for (int i = 0; i < 500 && server.refusals().get(PlainHttpServer.Refusal.HEAD_DISPLACED) < n; i++) {
            Thread.sleep(10);
        }
        assertThat(server.refusals().get(PlainHttpServer.Refusal.HEAD_DISPLACED)).isGreaterThanOrEqualTo(n);
    }

    @Test
    void slowUnauthenticatedHeadsFromOneSourceDoNotLockOutAnAuthorisedClient() throws Exception {
        start(HttpApi.LIMITS, PlainHttpServerTest::tokenCheck);
        for (int i = 0; i < 100; i++) {
            openSlow("127.0.0.1");
        }
        trickle();
        awaitDisplaced(100 - 8);
        // From the attackers' own address, as every loopback client is.
        assertThat(authorised("127.0.0.1")).startsWith("HTTP/1.1 200 ");
        assertThat(authorised("127.0.0.2")).startsWith("HTTP/1.1 200 ");
        assertThat(server.refusals().get(PlainHttpServer.Refusal.CONNECTION_LIMIT)).isZero();
    }

    @Test
    void slowUnauthenticatedHeadsFromManySourcesDoNotLockOutAnAuthorisedClient() throws Exception {
        start(HttpApi.LIMITS, PlainHttpServerTest::tokenCheck);
        for (int i = 0; i < 100; i++) {
            openSlow("127.3.0." + (1 + i));
        }
        trickle();
        awaitDisplaced(100 - 32);
        assertThat(authorised("127.0.0.1")).startsWith("HTTP/1.1 200 ");
        assertThat(authorised("127.3.1.1")).startsWith("HTTP/1.1 200 ");
    }

    @Test
    void anUnauthenticatedRequestIsAnswered401FromItsHeadAndNeverTakesARequestSlot() throws Exception {
        start(new PlainHttpServer.Limits(1, 32, 8, 10_000, 30_000), PlainHttpServerTest::tokenCheck);
        try (Socket held = connectAndSend("GET /hold HTTP/1.1\r\nX-Token: " + TOKEN + "\r\n\r\n")) {
            assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
            // The body is never sent: a 401 must come from the head alone, not wait for it.
            assertThat(exchange("POST /echo HTTP/1.1\r\nContent-Length: 1000\r\n\r\n"))
                    .startsWith("HTTP/1.1 401 Unauthorized\r\n").contains("\r\nWWW-Authenticate: Bearer\r\n")
                    .endsWith("{\"error\":\"no token\"}\n");
            assertThat(server.refusals().get(PlainHttpServer.Refusal.UNAUTHORIZED)).isEqualTo(1);
            release.countDown();
            held.setSoTimeout(5_000);
            assertThat(readAll(held.getInputStream())).startsWith("HTTP/1.1 200 ");
        }
    }

    @Test
    void aHeadTricklingPastItsTotalDeadlineGets408() throws Exception {
        start(new PlainHttpServer.Limits(4, 32, 8, 500, 30_000), req -> null);
        try (Socket s = connectAndSend("GET /echo HTTP/1.1\r\nX-Slow: ")) {
            s.setSoTimeout(5_000);
            // A byte every 100 ms never trips the 10 s read timeout; the 500 ms head deadline ends it.
            sendQuietly(s, 20);
            assertThat(readAll(s.getInputStream())).startsWith("HTTP/1.1 408 Request Timeout\r\n")
                    .endsWith("{\"error\":\"the request head did not arrive within 500 ms\"}\n");
        }
        assertThat(server.refusals().get(PlainHttpServer.Refusal.HEAD_DEADLINE)).isEqualTo(1);
    }

    @Test
    void aBodyTricklingPastTheRequestDeadlineEndsTheRead() throws Exception {
        start(new PlainHttpServer.Limits(4, 32, 8, 500, 800), req -> null);
        try (Socket s = connectAndSend("POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\n")) {
            s.setSoTimeout(5_000);
            sendQuietly(s, 30);
            assertThat(readAll(s.getInputStream())).startsWith("HTTP/1.1 408 Request Timeout\r\n")
                    .contains("did not arrive within 800 ms");
        }
        for (int i = 0; i < 100 && server.refusals().get(PlainHttpServer.Refusal.REQUEST_DEADLINE) == 0; i++) {
            Thread.sleep(20);
        }
        assertThat(server.refusals().get(PlainHttpServer.Refusal.REQUEST_DEADLINE)).isEqualTo(1);
    }

    @Test
    void smugglingShapesAreRefused() throws IOException {
        start(4);
        assertThat(exchange("POST /echo HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"))
                .startsWith("HTTP/1.1 400 ").contains("conflicting Content-Length headers");
        assertThat(exchange("POST /echo HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello"))
                .startsWith("HTTP/1.1 400 ");
        assertThat(exchange("POST /echo HTTP/1.1\r\nContent-Length : 5\r\n\r\nhello")).startsWith("HTTP/1.1 400 ");
        assertThat(exchange("POST /echo HTTP/1.1\r\nContent-Length: +5\r\n\r\nhello")).startsWith("HTTP/1.1 400 ");
        assertThat(exchange("POST /echo HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\nhello")).startsWith("HTTP/1.1 400 ");
        assertThat(exchange("POST /echo HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello"))
                .startsWith("HTTP/1.1 411 ");
        assertThat(exchange("GET /echo HTTP/1.1\r\nX-Test: a\rb\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(exchange("GET /echo HTTP/1.1\r\nX-Test: a\u0000b\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(exchange("GET /echo HTTP/1.1\r\nX-Test: a\r\n  folded\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(exchange("GET /echo HTTP/1.1\r\nAuthorization: Bearer a\r\nAuthorization: Bearer b\r\n\r\n"))
                .startsWith("HTTP/1.1 400 ").contains("authorization appears more than once");
        assertThat(exchange("GET /echo x HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(exchange("GET  /echo HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(exchange("G(T /echo HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        // Repeats of a header nobody acts on are harmless; the first counts.
        assertThat(exchange("GET /echo HTTP/1.1\r\nX-Test: one\r\nX-Test: two\r\n\r\n")).endsWith("GET null one ");
    }

    @Test
    void aClientExpectingContinueGetsItBeforeSendingItsBody() throws IOException {
        start(4);
        try (Socket s = connectAndSend("POST /echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")) {
            s.setSoTimeout(5_000);
            byte[] interim = s.getInputStream().readNBytes("HTTP/1.1 100 Continue\r\n\r\n".length());
            assertThat(new String(interim, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            s.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
            assertThat(readAll(s.getInputStream())).startsWith("HTTP/1.1 200 ").endsWith("POST null null hi");
        }
    }
}
