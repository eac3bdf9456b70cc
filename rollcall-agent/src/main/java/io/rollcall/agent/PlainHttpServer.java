package io.rollcall.agent;

import io.rollcall.ConnectionAdmission;
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
import java.util.EnumMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

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
 * <p>A connection lives in two budgets ({@link Limits}). While it reads its request head it holds one
 * of a few <em>head slots</em> ({@link ConnectionAdmission}, the node's own stream-server rule: bounded
 * in total and per source; a newcomer displaces the oldest head still arriving from its own source, or from the busiest source), for at
 * most {@link Limits#headDeadlineMillis} in all. As soon as the head is in, the {@link Authorizer}
 * decides: a request without the token is answered 401 from its head slot and never reaches the second
 * budget, the <em>request slots</em>, which only authorised requests hold (event streams included).
 * So slow or unauthenticated clients, from one host or many, can cost authorised clients at most a
 * displaced head, never a 503. The body must be in by {@link Limits#requestDeadlineMillis} after
 * accept. Every refusal is counted by reason ({@link #refusals()}). Request bodies are bounded by the
 * handler, which reads them.
 *
 * <p>The parser is strict where leniency lets two parsers disagree on where a request ends (request
 * smuggling): header names are tokens with no space before the colon, no obsolete line folding, no
 * bare CR, no control characters in values, a {@code Content-Length} of digits only and never two
 * that differ, no {@code Transfer-Encoding}, and the headers the server or API acts on may not repeat.
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
    /** Headers that must appear at most once: the server or the API acts on them. */
    private static final java.util.Set<String> SINGLE_HEADERS = java.util.Set.of("host", "content-length",
            "authorization", "x-rollcall-token", "expect", "last-event-id", "content-type");
    private static final System.Logger LOG = System.getLogger(PlainHttpServer.class.getName());

    /**
     * How much the server holds for its clients.
     *
     * @param maxRequests            most authorised requests at once (event streams included); more get 503
     * @param maxHeadReaders         most connections still reading their request head at once
     * @param maxHeadReadersPerSource most of those from one address
     * @param headDeadlineMillis     whole time from accept to the end of the head; then 408
     * @param requestDeadlineMillis  whole time from accept to the end of the body; then 408
     */
    record Limits(int maxRequests, int maxHeadReaders, int maxHeadReadersPerSource, long headDeadlineMillis,
                  long requestDeadlineMillis) {
        /** Checks the values. */
        Limits {
            if (maxRequests < 1 || maxHeadReaders < 1 || maxHeadReadersPerSource < 1 || maxHeadReadersPerSource > maxHeadReaders
                    || headDeadlineMillis < 1 || requestDeadlineMillis < headDeadlineMillis) {
                throw new IllegalArgumentException("bad HTTP limits: " + this);
            }
        }
    }

    /** Why a connection or request was refused or cut short. */
    enum Refusal {
        /** A newer connection took its head slot while its head was still arriving. */
        HEAD_DISPLACED,
        /** The head was not in within {@link Limits#headDeadlineMillis} (or a byte within the read timeout). */
        HEAD_DEADLINE,
        /** The body was not in within {@link Limits#requestDeadlineMillis}. */
        REQUEST_DEADLINE,
        /** A malformed or oversized head (400, 411, 431, 505). */
        BAD_REQUEST,
        /** No token, or a wrong one (401). */
        UNAUTHORIZED,
        /** All {@link Limits#maxRequests} request slots were taken (503). */
        REQUEST_LIMIT,
        /** No place to read another head, or no thread (503). */
        CONNECTION_LIMIT
    }

    /** Answers one request; throwing leaves the client a 500 if nothing was sent yet. */
    interface Handler {
        void handle(Request request, Response response) throws Exception;
    }

    /** Decides, from the head alone, whether a request may go on. */
    interface Authorizer {
        /** @return null to go on, or the message of a 401 */
        String refusal(Request request);
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
    private final Limits limits;
    private final ConnectionAdmission heads;
    private final Semaphore requests;
    private final ThreadPoolExecutor workers;
    private final ScheduledThreadPoolExecutor deadlines;
    private final Authorizer authorizer;
    private final Handler handler;
    private final Thread acceptor;
    private final EnumMap<Refusal, LongAdder> refused = new EnumMap<>(Refusal.class);
    private volatile boolean closed;

    /**
     * Binds at once; {@link #start()} begins accepting.
     *
     * @param authorizer consulted as soon as a request's head is in, before it takes a request slot
     */
    PlainHttpServer(InetSocketAddress address, int backlog, Limits limits, Authorizer authorizer, Handler handler)
            throws IOException {
        this.socket = new ServerSocket();
        try {
            socket.bind(address, backlog);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        for (Refusal r : Refusal.values()) {
            refused.put(r, new LongAdder());
        }
        this.limits = limits;
        this.heads = new ConnectionAdmission(limits.maxHeadReaders(), limits.maxHeadReadersPerSource());
        this.requests = new Semaphore(limits.maxRequests());
        AtomicInteger n = new AtomicInteger();
        // No core threads: an agent nobody asks keeps none. Room for every slot, and for displaced heads
        // still unwinding when their successors start.
        this.workers = new ThreadPoolExecutor(0, limits.maxRequests() + 2 * limits.maxHeadReaders(), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "rollcall-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.deadlines = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "rollcall-http-deadlines");
            t.setDaemon(true);
            return t;
        });
        deadlines.setRemoveOnCancelPolicy(true);
        this.authorizer = authorizer;
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

    /** @return refusals so far, by reason */
    Map<Refusal, Long> refusals() {
        EnumMap<Refusal, Long> out = new EnumMap<>(Refusal.class);
        refused.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    private void refuse(Refusal reason) {
        refused.get(reason).increment();
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing the HTTP socket: " + e.getMessage());
        }
        workers.shutdownNow();
        deadlines.shutdownNow();
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
            ConnectionAdmission.Admission admission = heads.admit(client.getInetAddress(), client);
            if (admission.displacedAnother()) {
                refuse(Refusal.HEAD_DISPLACED);
            }
            if (admission.slot() == null) {
                refuseAtOnce(client, "too many HTTP connections");
                continue;
            }
            if (!hand(() -> serve(client, admission.slot()))) {
                admission.slot().close();
                refuseAtOnce(client, "too many HTTP connections");
            }
        }
    }

    /**
     * Gives the task a thread, waiting up to a second for one: a burst of newcomers can displace heads
     * faster than their threads unwind, and a connection that has a slot should not be refused for that.
     */
    private boolean hand(Runnable task) {
        try {
            workers.execute(task);
            return true;
        } catch (RejectedExecutionException busy) {
            try {
                return !workers.isShutdown() && workers.getQueue().offer(task, 1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private void refuseAtOnce(Socket client, String why) {
        refuse(Refusal.CONNECTION_LIMIT);
        // A short answer fits in the socket's send buffer: writing it here cannot block.
        try (client) {
            new Response(client.getOutputStream(), true).send(503, "application/json; charset=utf-8", errorBody(why),
                    "Retry-After: 1\r\n");
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "refusing an HTTP connection: " + e.getMessage());
        }
    }

    /**
     * Ends the wait for input at a deadline: the blocked read sees end of stream, and the serving
     * thread, finding {@code expired} set, answers 408 itself.
     */
    private ScheduledFuture<?> deadline(Socket client, AtomicBoolean expired, long millis) {
        return deadlines.schedule(() -> {
            expired.set(true);
            try {
                client.shutdownInput();
            } catch (IOException e) {
                closeQuietly(client);
            }
        }, Math.max(1, millis), TimeUnit.MILLISECONDS);
    }

    private void serve(Socket client, ConnectionAdmission.Slot head) {
        long accepted = System.nanoTime();
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> headDeadline = deadline(client, expired, limits.headDeadlineMillis());
        ScheduledFuture<?> bodyDeadline = null;
        boolean holdsRequestSlot = false;
        try (client; head) {
            client.setSoTimeout(READ_TIMEOUT_MILLIS);
            BufferedInputStream in = new BufferedInputStream(client.getInputStream(), 4096);
            Request request;
            try {
                request = parse(in);
            } catch (BadRequest e) {
                refuse(Refusal.BAD_REQUEST);
                new Response(client.getOutputStream(), true).sendError(e.status, e.getMessage());
                finish(client, in);
                return;
            } catch (IOException e) {
                if (head.displaced()) {
                    return; // counted when it was displaced; its socket is closed
                }
                if (expired.get() || e instanceof SocketTimeoutException) {
                    refuse(Refusal.HEAD_DEADLINE);
                    new Response(client.getOutputStream(), true).sendError(408,
                            "the request head did not arrive within " + limits.headDeadlineMillis() + " ms");
                    return;
                }
                throw e;
            }
            headDeadline.cancel(false);
            String unauthorized = authorizer.refusal(request);
            if (unauthorized != null) {
                // Answered from the head slot, which stays displaceable while the answer lingers.
                refuse(Refusal.UNAUTHORIZED);
                new Response(client.getOutputStream(), true).send(401, "application/json; charset=utf-8",
                        errorBody(unauthorized), "WWW-Authenticate: Bearer\r\n");
                finish(client, in);
                return;
            }
            if (!head.answering()) {
                return; // displaced as its head came in
            }
            head.close();
            if (!requests.tryAcquire()) {
                refuse(Refusal.REQUEST_LIMIT);
                new Response(client.getOutputStream(), request.http10()).send(503, "application/json; charset=utf-8",
                        errorBody("too many HTTP requests"), "Retry-After: 1\r\n");
                finish(client, in);
                return;
            }
            holdsRequestSlot = true;
            long left = limits.requestDeadlineMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - accepted);
            BoundedInput body = (BoundedInput) request.body();
            if (body.remaining > 0) {
                bodyDeadline = deadline(client, expired, left);
                body.expired = expired;
            }
            Response response = new Response(client.getOutputStream(), request.http10());
            body.expectContinue = "100-continue".equalsIgnoreCase(request.header("Expect")) && !request.http10()
                    ? response : null;
            try {
                handler.handle(request, response);
            } catch (IOException e) {
                if (!(expired.get() && body.remaining > 0)) {
                    throw e;
                }
            } catch (Exception e) {
                LOG.log(Level.WARNING, "HTTP " + request.method() + " " + request.path() + " failed", e);
            }
            if (expired.get() && body.remaining > 0) {
                refuse(Refusal.REQUEST_DEADLINE);
                if (!response.committed()) {
                    response.sendError(408, "the request body did not arrive within "
                            + limits.requestDeadlineMillis() + " ms of the connection");
                }
            }
            response.end();
            finish(client, in);
        } catch (SocketTimeoutException e) {
            LOG.log(Level.DEBUG, "HTTP client too slow: " + e.getMessage());
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "HTTP client went away: " + e.getMessage());
        } catch (Exception e) {
            LOG.log(Level.WARNING, "HTTP request failed", e);
        } finally {
            headDeadline.cancel(false);
            if (bodyDeadline != null) {
                bodyDeadline.cancel(false);
            }
            if (holdsRequestSlot) {
                requests.release();
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Best effort: the connection is being abandoned.
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
        int sp2 = line.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 <= sp1 + 1 || line.indexOf(' ', sp2 + 1) >= 0 || !isToken(line, 0, sp1)) {
            throw new BadRequest(400, "malformed request line");
        }
        String method = line.substring(0, sp1);
        String target = line.substring(sp1 + 1, sp2);
        String version = line.substring(sp2 + 1);
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new BadRequest(505, "only HTTP/1.0 and HTTP/1.1 are served, not " + version);
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw new BadRequest(400, "the request target contains a control, space or non-ASCII character");
            }
        }
        if (target.startsWith("http://") || target.startsWith("https://")) {
            int slash = target.indexOf('/', target.indexOf("//") + 2);
            target = slash < 0 ? "/" : target.substring(slash);
        }
        if (!target.startsWith("/")) {
            throw new BadRequest(400, "request target must be a path");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        int count = 0;
        while (true) {
            String h = readLine(in, budget);
            if (h == null) {
                throw new IOException("connection closed inside the request head");
            }
            if (h.isEmpty()) {
                break;
            }
            int colon = h.indexOf(':');
            // No space before the colon and no folded lines: parsers that differ there disagree on the headers.
            if (colon <= 0 || !isToken(h, 0, colon)) {
                throw new BadRequest(400, "malformed header line");
            }
            if (++count > MAX_HEADERS) {
                throw new BadRequest(431, "more than " + MAX_HEADERS + " headers");
            }
            String name = h.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).strip();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if ((c < ' ' && c != '\t') || c == 0x7f) {
                    throw new BadRequest(400, "header " + name + " contains a control character");
                }
            }
            String earlier = headers.putIfAbsent(name, value);
            if (earlier != null && SINGLE_HEADERS.contains(name)) {
                throw new BadRequest(400, earlier.equals(value) || !name.equals("content-length")
                        ? "header " + name + " appears more than once" : "conflicting Content-Length headers");
            }
        }
        if (headers.containsKey("transfer-encoding")) {
            throw new BadRequest(411, "send the request body with Content-Length, not Transfer-Encoding");
        }
        long length = 0;
        String cl = headers.get("content-length");
        if (cl != null) {
            if (cl.isEmpty() || cl.length() > 18 || !cl.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new BadRequest(400, "bad Content-Length: " + cl);
            }
            length = Long.parseLong(cl);
        }
        int q = target.indexOf('?');
        return new Request(method, q < 0 ? target : target.substring(0, q), q < 0 ? null : target.substring(q + 1),
                version.equals("HTTP/1.0"), headers, new BoundedInput(in, length));
    }

    /** RFC 9110 token characters. */
    private static boolean isToken(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return to > from;
    }

    /** A line without its CR LF (a bare LF is accepted too, a bare CR is not), or null at end of stream. */
    private static String readLine(InputStream in, int[] budget) throws IOException, BadRequest {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        boolean cr = false;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.size() == 0 && !cr) {
                    return null;
                }
                throw new IOException("connection closed inside a line of the request head");
            }
            if (--budget[0] < 0) {
                throw new BadRequest(431, "request head is larger than " + MAX_HEAD_BYTES + " bytes");
            }
            if (b == '\n') {
                return line.toString(StandardCharsets.ISO_8859_1);
            }
            if (cr) {
                throw new BadRequest(400, "a CR not followed by LF in the request head");
            }
            if (b == '\r') {
                cr = true;
            } else {
                line.write(b);
            }
        }
    }

    private static byte[] errorBody(String message) {
        return (Json.write(Map.of("error", message)) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String head(int status, String contentType, String extra) {
        return "HTTP/1.1 " + status + " " + reason(status) + "\r\nDate: " + UtcTime.httpDate(System.currentTimeMillis())
                + "\r\nContent-Type: " + contentType + "\r\n" + extra + "Connection: close\r\n\r\n";
    }

    private static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            case 507 -> "Insufficient Storage";
            // Every status the API sends is named above; this is only for one added without a name.
            default -> status < 500 ? "Client Error" : "Server Error";
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
            send(status, contentType, body, "");
        }

        /** Sends a complete answer with extra header lines, each ending in CR LF. */
        void send(int status, String contentType, byte[] body, String extraHeaders) throws IOException {
            commit();
            out.write(head(status, contentType, extraHeaders + "Content-Length: " + body.length + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        }

        /** Sends the API's error answer, {@code {"error":"MESSAGE"}}, with {@code status}. */
        void sendError(int status, String message) throws IOException {
            send(status, "application/json; charset=utf-8", errorBody(message));
        }

        /** The interim answer a client sent {@code Expect: 100-continue} waits for before its body. */
        private void sendContinue() throws IOException {
            if (!committed) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
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

    /**
     * Reads at most the request's declared body length. Fewer bytes than declared is an error, not
     * the end of the body: a timeout (the handler answers 408) if the request deadline cut it, else a
     * client that went away.
     */
    private static final class BoundedInput extends InputStream {
        private final InputStream in;
        private long remaining;
        private volatile AtomicBoolean expired;
        private volatile Response expectContinue;

        BoundedInput(InputStream in, long length) {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return len == 0 ? 0 : -1;
            }
            Response waiting = expectContinue;
            if (waiting != null) {
                expectContinue = null;
                waiting.sendContinue();
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                AtomicBoolean cut = expired;
                if (cut != null && cut.get()) {
                    throw new SocketTimeoutException("the request body did not arrive within the request deadline");
                }
                throw new IOException("connection closed inside the request body (" + remaining + " bytes short)");
            }
            remaining -= n;
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
