package io.rollcall.agent;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * A small HTTP/1.1 server for the agent's API: one request per connection, answered with
 * {@code Connection: close}; bodies framed by {@code Content-Length}; a streamed response is chunked
 * for HTTP/1.1 clients and ends with the connection for HTTP/1.0 clients.
 *
 * <p>Why not the JDK's {@code com.sun.net.httpserver}: on every agent it loaded and initialised about
 * 150 classes (its own, {@code java.time.format} and English locale data for the Date header, regular
 * expressions), a large share of an agent's start-up CPU when dozens start on one machine and of its
 * resident memory (docs/PERFORMANCE.md). The API is a dozen small JSON requests and one event
 * stream; keep-alive and pipelining buy nothing there.
 *
 * <p>Limits a client cannot exceed: {@link #MAX_HEAD_BYTES} of request line and headers,
 * {@link #MAX_HEADERS} headers, {@link #READ_TIMEOUT_MILLIS} between bytes of a request, and as many
 * connections at once as the executor has threads (others get 503 at once). Request bodies are
 * bounded by the handler, which reads them.
 */
final class PlainHttpServer implements AutoCloseable {
    /** Largest request line plus headers. */
    static final int MAX_HEAD_BYTES = 16 * 1024;
    /** Most request headers. */
    static final int MAX_HEADERS = 64;
    /** Longest wait for the next byte of a request (head or body). */
    static final int READ_TIMEOUT_MILLIS = 10_000;
    /** Longest wait, after answering, for the client to close first (see {@link #finish}). */
    private static final int LINGER_MILLIS = 1_000;
    /** Most request bytes discarded after answering, so that closing does not reset the answer. */
    private static final int MAX_DISCARD_BYTES = 256 * 1024;
    private static final System.Logger LOG = System.getLogger(PlainHttpServer.class.getName());

    /** Answers one request; throwing leaves the client a 500 if nothing was sent yet. */
    interface Handler {
        void handle(Request request, Response response) throws Exception;
    }

    /**
     * A parsed request.
     *
     * @param method  as sent, e.g. {@code GET}
     * @param path    the target's path, still percent-encoded
     * @param query   the target's query without {@code ?}, still encoded, or null
     * @param http10  whether the client speaks HTTP/1.0 (no chunked responses)
     * @param headers header values by lower-case name (the first of repeated headers)
     * @param body    exactly the request's {@code Content-Length} bytes
     */
    record Request(String method, String path, String query, boolean http10, Map<String, String> headers,
                   InputStream body) {
        /** @return the header's value, or null; {@code name} in any case */
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final ServerSocket socket;
    private final ExecutorService workers;
    private final Handler handler;
    private final Thread acceptor;
    private volatile boolean closed;

    /**
     * Binds at once; {@link #start()} begins accepting.
     *
     * @param workers runs each connection; its capacity is the limit on concurrent connections
     */
    PlainHttpServer(InetSocketAddress address, int backlog, ExecutorService workers, Handler handler) throws IOException {
        this.socket = new ServerSocket();
        try {
            socket.bind(address, backlog);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        this.workers = workers;
        this.handler = handler;
        this.acceptor = new Thread(this::acceptLoop, "rollcall-http-accept");
        acceptor.setDaemon(true);
    }

    void start() {
        acceptor.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing the HTTP socket: " + e.getMessage());
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                // Out of file descriptors, typically: back off instead of spinning on the error.
                LOG.log(Level.WARNING, "HTTP accept failed: " + e.getMessage());
                sleepQuietly(100);
                continue;
            }
            try {
                workers.execute(() -> serve(client));
            } catch (RejectedExecutionException busy) {
                // A short answer fits in the socket's send buffer: writing it here cannot block.
                try (client) {
                    new Response(client.getOutputStream(), true).sendError(503, "too many HTTP connections");
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "refusing an HTTP connection: " + e.getMessage());
                }
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(READ_TIMEOUT_MILLIS);
            BufferedInputStream in = new BufferedInputStream(client.getInputStream(), 4096);
            Request request;
            try {
                request = parse(in);
            } catch (BadRequest e) {
                new Response(client.getOutputStream(), true).sendError(e.status, e.getMessage());
                finish(client, in);
                return;
            }
            Response response = new Response(client.getOutputStream(), request.http10());
            try {
                handler.handle(request, response);
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                LOG.log(Level.WARNING, "HTTP " + request.method() + " " + request.path() + " failed", e);
            }
            response.end();
            finish(client, in);
        } catch (SocketTimeoutException e) {
            LOG.log(Level.DEBUG, "HTTP client too slow: " + e.getMessage());
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "HTTP client went away: " + e.getMessage());
        } catch (Exception e) {
            LOG.log(Level.WARNING, "HTTP request failed", e);
        }
    }

    /**
     * Half-closes, then reads what the client may still send until it closes too: closing a socket
     * with unread input makes the kernel send a reset, which can destroy the answer before the client
     * has read it (an early 413 to a large body, for one).
     */
    private static void finish(Socket client, InputStream in) throws IOException {
        client.shutdownOutput();
        client.setSoTimeout(LINGER_MILLIS);
        try {
            byte[] sink = new byte[4096];
            int discarded = 0;
            int n;
            while (discarded < MAX_DISCARD_BYTES && (n = in.read(sink)) >= 0) {
                discarded += n;
            }
        } catch (SocketTimeoutException | SocketException e) {
            // The client keeps the connection open or reset it: either way, the answer is sent.
        }
    }

    private static Request parse(InputStream in) throws IOException, BadRequest {
        int[] budget = {MAX_HEAD_BYTES};
        String line = readLine(in, budget);
        if (line == null) {
            throw new IOException("connection closed before a request");
        }
        int sp1 = line.indexOf(' ');
        int sp2 = line.lastIndexOf(' ');
        if (sp1 <= 0 || sp2 <= sp1) {
            throw new BadRequest(400, "malformed request line");
        }
        String method = line.substring(0, sp1);
        String target = line.substring(sp1 + 1, sp2);
        String version = line.substring(sp2 + 1);
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new BadRequest(505, "only HTTP/1.0 and HTTP/1.1 are served, not " + version);
        }
        if (target.startsWith("http://") || target.startsWith("https://")) {
            int slash = target.indexOf('/', target.indexOf("//") + 2);
            target = slash < 0 ? "/" : target.substring(slash);
        }
        if (!target.startsWith("/")) {
            throw new BadRequest(400, "request target must be a path");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        while (true) {
            String h = readLine(in, budget);
            if (h == null) {
                throw new IOException("connection closed inside the request head");
            }
            if (h.isEmpty()) {
                break;
            }
            int colon = h.indexOf(':');
            if (colon <= 0 || h.charAt(0) == ' ' || h.charAt(0) == '\t') {
                throw new BadRequest(400, "malformed header line");
            }
            if (headers.size() == MAX_HEADERS) {
                throw new BadRequest(431, "more than " + MAX_HEADERS + " headers");
            }
            headers.putIfAbsent(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        if (headers.containsKey("transfer-encoding")) {
            throw new BadRequest(411, "send the request body with Content-Length, not Transfer-Encoding");
        }
        long length = 0;
        String cl = headers.get("content-length");
        if (cl != null) {
            try {
                length = Long.parseLong(cl);
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length < 0) {
                throw new BadRequest(400, "bad Content-Length: " + cl);
            }
        }
        int q = target.indexOf('?');
        return new Request(method, q < 0 ? target : target.substring(0, q), q < 0 ? null : target.substring(q + 1),
                version.equals("HTTP/1.0"), headers, new BoundedInput(in, length));
    }

    /** A line without its CR LF (a bare LF is accepted too), or null at end of stream. */
    private static String readLine(InputStream in, int[] budget) throws IOException, BadRequest {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            }
            if (--budget[0] < 0) {
                throw new BadRequest(431, "request head is larger than " + MAX_HEAD_BYTES + " bytes");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
    }

    private static String head(int status, String contentType, String extra) {
        return "HTTP/1.1 " + status + " " + reason(status) + "\r\nDate: " + UtcTime.httpDate(System.currentTimeMillis())
                + "\r\nContent-Type: " + contentType + "\r\n" + extra + "Connection: close\r\n\r\n";
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status " + status;
        };
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The answer to one request: either one {@link #send} or one {@link #stream}. */
    static final class Response {
        private final OutputStream out;
        private final boolean http10;
        private OutputStream streaming;
        private boolean committed;

        Response(OutputStream out, boolean http10) {
            this.out = out;
            this.http10 = http10;
        }

        /** Whether the status line has gone out (an error can no longer be answered). */
        boolean committed() {
            return committed;
        }

        /** Sends a complete answer. */
        void send(int status, String contentType, byte[] body) throws IOException {
            commit();
            out.write(head(status, contentType, "Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        }

        /** Sends the API's error answer, {@code {"error":"MESSAGE"}}, with {@code status}. */
        void sendError(int status, String message) throws IOException {
            send(status, "application/json; charset=utf-8",
                    (Json.write(Map.of("error", message)) + "\n").getBytes(StandardCharsets.UTF_8));
        }

        /**
         * Starts an answer of unknown length; each {@code write} on the stream returned goes out as
         * one chunk at the next {@code flush}.
         */
        OutputStream stream(int status, String contentType, String cacheControl) throws IOException {
            commit();
            String extra = "Cache-Control: " + cacheControl + "\r\n" + (http10 ? "" : "Transfer-Encoding: chunked\r\n");
            out.write(head(status, contentType, extra).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            streaming = http10 ? out : new ChunkedOutput(out);
            return streaming;
        }

        private void commit() {
            if (committed) {
                throw new IllegalStateException("the answer was already sent");
            }
            committed = true;
        }

        void end() throws IOException {
            if (!committed) {
                sendError(500, "no answer");
            } else if (streaming instanceof ChunkedOutput chunked) {
                chunked.finish();
            }
        }
    }

    /** HTTP/1.1 chunked framing: one chunk per write. */
    private static final class ChunkedOutput extends OutputStream {
        private final OutputStream out;

        ChunkedOutput(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return; // a zero-length chunk would end the body
            }
            out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b, off, len);
            out.write('\r');
            out.write('\n');
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        void finish() throws IOException {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    /** Reads at most the request's declared body length. */
    private static final class BoundedInput extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInput(InputStream in, long length) {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return len == 0 ? 0 : -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public void close() {
            // The connection is the server's to close.
        }
    }

    /** A request the server answers itself, before any handler sees it. */
    private static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }
    }
}
