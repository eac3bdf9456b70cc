package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PlainHttpServerTest {
    private ThreadPoolExecutor threads;
    private PlainHttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);

    private void start(int maxThreads) throws IOException {
        threads = new ThreadPoolExecutor(0, maxThreads, 1, TimeUnit.SECONDS, new SynchronousQueue<>());
        server = new PlainHttpServer(new InetSocketAddress("127.0.0.1", 0), 8, threads, this::handle);
        server.start();
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
        if (server != null) {
            server.close();
        }
        if (threads != null) {
            threads.shutdownNow();
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
    void connectionsBeyondTheThreadsGet503() throws Exception {
        start(1);
        try (Socket held = connectAndSend("GET /hold HTTP/1.1\r\n\r\n")) {
            // The held request occupies the only thread once the pool has taken it.
            for (int i = 0; i < 500 && threads.getActiveCount() == 0; i++) {
                Thread.sleep(10);
            }
            assertThat(threads.getActiveCount()).isEqualTo(1);
            assertThat(exchange("GET /echo HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 503 ")
                    .endsWith("{\"error\":\"too many HTTP connections\"}\n");
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
}
