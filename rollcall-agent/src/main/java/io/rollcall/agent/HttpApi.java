package io.rollcall.agent;

import io.rollcall.Catchup;
import io.rollcall.ClusterMember;
import io.rollcall.JoinException;
import io.rollcall.MemberStatus;
import io.rollcall.MembershipChange;
import io.rollcall.MembershipListener;
import io.rollcall.MembershipView;
import io.rollcall.Rollcall;
import io.rollcall.SeedProvider;
import io.rollcall.Subscription;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.lang.System.Logger.Level;

/**
 * The agent's HTTP API (JSON; Server-Sent Events for {@code /v1/events}; Prometheus text for
 * {@code /metrics}). Errors are JSON {@code {"error":"..."}} with a fitting status code. Request
 * bodies are bounded, and so are the threads serving requests and the number of event streams.
 */
final class HttpApi implements AutoCloseable {
    /** Most concurrent event streams. */
    static final int MAX_EVENT_STREAMS = 64;
    /** Largest request body accepted. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    /** Most authorised requests at once, event streams included. */
    static final int MAX_REQUESTS = MAX_EVENT_STREAMS + 16;
    /** How old the round trips an answer shows may be: one LAN probe interval, so each probe still shows. */
    static final long ROUND_TRIPS_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * What the server holds for clients: {@link #MAX_REQUESTS} authorised requests; 32 connections
     * still reading their head, 8 of them from one address (loopback clients all share one); 10 s from
     * accept to the end of the head, 30 s to the end of the body.
     */
    static final PlainHttpServer.Limits LIMITS = new PlainHttpServer.Limits(MAX_REQUESTS, 32, 8, 10_000, 30_000);
    private static final long KEEPALIVE_MILLIS = 15_000;
    /** Liveness probe: 200 while the protocol thread answers; needs no token. */
    static final String LIVE_PATH = "/v1/health/live";
    /** Readiness probe: 200 once joined, live and healthy; needs no token. */
    static final String READY_PATH = "/v1/health/ready";
    private static final System.Logger LOG = System.getLogger(HttpApi.class.getName());

    /** What the API needs from the agent. */
    interface Control {
        Rollcall node();

        Map<String, Object> info();

        /** Leaves, answers, then stops the agent. */
        boolean leave();

        Map<String, String> updateTags(Map<String, String> set, List<String> delete) throws Exception;

        io.rollcall.KeyOperation keys(String operation, String key) throws Exception;

        String metrics();

        HealthProbes.Verdict live();

        HealthProbes.Verdict ready();
    }

    private final PlainHttpServer server;
    private final Control control;
    private final AtomicInteger eventStreams = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong decisionEventsDropped = new java.util.concurrent.atomic.AtomicLong();
    /** {@code GET /v1/members/NAME/history}: the member's decision records. */
    private static final String HISTORY_SUFFIX = "/history";
    private final byte[] tokenDigest;
    private final WebPage page = new WebPage();
    /**
     * The probe round trips the answers show, one snapshot shared by the requests of
     * {@link #ROUND_TRIPS_MAX_AGE_NANOS}: a snapshot covers the whole member table, so one per
     * request would let {@link #MAX_REQUESTS} concurrent listings hold as many copies (768 KB each
     * at 4,000 members probed on both paths, measured on a 64 MiB heap: 80 of them would be 61 MB)
     * where the view itself is already shared.
     */
    private volatile TimedRoundTrips sharedRoundTrips;
    private final Object roundTripsLock = new Object();

    /**
     * @param address where to listen
     * @param control the agent
     * @param token   token every request must carry ({@code Authorization: Bearer TOKEN} or
     *                {@code X-Rollcall-Token}), or null for none
     */
    HttpApi(InetSocketAddress address, Control control, String token) throws IOException {
        this.control = control;
        this.tokenDigest = token == null ? null : sha256(token);
        this.server = new PlainHttpServer(address, 64, LIMITS, this::refusal, this::handle);
    }

    void start() {
        server.start();
    }

    InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
    }

    private void handle(PlainHttpServer.Request req, PlainHttpServer.Response ex) {
        try {
            String path = req.path();
            String method = req.method();
            if (path.equals(LIVE_PATH) || path.equals(READY_PATH)) {
                // No token (refusal lets them through): a kubelet or load balancer carries none,
                // and the answer says nothing but ok or why not.
                requireMethod(method, "GET");
                probe(ex, path.equals(LIVE_PATH) ? control.live() : control.ready());
                return;
            }
            if (page.serves(path)) {
                requireMethod(method, "GET");
                page.send(path, ex);
                return;
            }
            Map<String, String> query = query(req.query());
            if (path.equals("/v1/self")) {
                requireMethod(method, "GET");
                json(ex, 200, self());
            } else if (path.equals("/v1/members")) {
                requireMethod(method, "GET");
                members(ex, query.get("status"));
            } else if (path.startsWith("/v1/members/") && path.endsWith(HISTORY_SUFFIX)) {
                requireMethod(method, "GET");
                String name = memberName(path.substring("/v1/members/".length(), path.length() - HISTORY_SUFFIX.length()));
                List<io.rollcall.Decision> records = control.node().history(name);
                if (records.isEmpty() && control.node().view().member(name).isEmpty()) {
                    throw new ApiError(404, "no member named '" + name + "'");
                }
                json(ex, 200, DecisionViews.history(name, records));
            } else if (path.startsWith("/v1/members/")) {
                requireMethod(method, "GET");
                String name = memberName(path.substring("/v1/members/".length()));
                ClusterMember m = control.node().view().member(name)
                        .orElseThrow(() -> new ApiError(404, "no member named '" + name + "'"));
                json(ex, 200, Views.member(m, probeFacts()));
            } else if (path.equals("/v1/events")) {
                requireMethod(method, "GET");
                events(req, ex, query);
            } else if (path.equals("/v1/join")) {
                requireMethod(method, "POST");
                json(ex, 200, join(body(req)));
            } else if (path.equals("/v1/leave")) {
                requireMethod(method, "POST");
                boolean clean = control.leave();
                json(ex, 200, Map.of("left", true, "timed_out", !clean));
            } else if (path.equals("/v1/tags")) {
                requireMethod(method, "PUT");
                json(ex, 200, Map.of("tags", tags(body(req))));
            } else if (path.equals("/v1/keys")) {
                requireMethod(method, "GET");
                json(ex, 200, keyResult(control.keys("list", null)));
            } else if (path.startsWith("/v1/keys/")) {
                requireMethod(method, "POST");
                String op = path.substring("/v1/keys/".length());
                if (!op.equals("install") && !op.equals("use") && !op.equals("remove")) {
                    throw new ApiError(404, "no such key operation: " + op);
                }
                Object body = body(req);
                if (!(body instanceof Map<?, ?> m) || !(m.get("key") instanceof String key)) {
                    throw new ApiError(400, "expected {\"key\": \"BASE64\"}");
                }
                json(ex, 200, keyResult(control.keys(op, key)));
            } else if (path.equals("/v1/event")) {
                requireMethod(method, "POST");
                json(ex, 200, userEvent(body(req)));
            } else if (path.equals("/v1/query")) {
                requireMethod(method, "POST");
                json(ex, 200, query(body(req)));
            } else if (path.equals("/v1/health")) {
                requireMethod(method, "GET");
                json(ex, 200, control.info().get("health"));
            } else if (path.equals("/metrics")) {
                requireMethod(method, "GET");
                byte[] text = (control.metrics() + httpMetrics()).getBytes(StandardCharsets.UTF_8);
                ex.send(200, "text/plain; version=0.0.4; charset=utf-8", text);
            } else {
                throw new ApiError(404, "no such endpoint: " + method + " " + path);
            }
        } catch (MethodNotAllowed e) {
            // RFC 9110 15.5.6: a 405 must say which method the resource has.
            if (!ex.committed()) {
                try {
                    ex.send(405, "application/json; charset=utf-8",
                            (Json.write(Map.of("error", e.getMessage())) + "\n").getBytes(StandardCharsets.UTF_8),
                            "Allow: " + e.allowed + "\r\n");
                } catch (IOException gone) {
                    LOG.log(Level.DEBUG, "could not send error response: " + gone);
                }
            }
        } catch (ApiError e) {
            error(ex, e.status, e.getMessage());
        } catch (IllegalArgumentException e) {
            error(ex, 400, e.getMessage());
        } catch (IllegalStateException e) {
            error(ex, 503, e.getMessage());
        } catch (java.util.concurrent.ExecutionException e) {
            error(ex, 502, String.valueOf(e.getCause() == null ? e : e.getCause().getMessage()));
        } catch (java.util.concurrent.TimeoutException e) {
            error(ex, 504, "the cluster did not answer in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error(ex, 503, "interrupted");
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "HTTP client went away: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "HTTP request " + req.method() + " " + req.path() + " failed", e);
            error(ex, 500, "internal error: " + e);
        } catch (Exception e) {
            error(ex, 500, e.getMessage());
        }
    }

    private static void probe(PlainHttpServer.Response ex, HealthProbes.Verdict verdict) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", verdict.ok() ? "ok" : "unavailable");
        if (!verdict.ok()) {
            body.put("reason", verdict.reason());
        }
        json(ex, verdict.ok() ? 200 : 503, body);
    }

    /** Checked by the server as soon as a request's head is in, before the request takes a slot. */
    private String refusal(PlainHttpServer.Request req) {
        if (req.path().equals(LIVE_PATH) || req.path().equals(READY_PATH)) {
            return null;
        }
        if (tokenDigest == null || page.serves(req.path())) {
            // The page's files hold no data; the page then sends the token with each API request.
            return null;
        }
        String given = req.header("X-Rollcall-Token");
        String auth = req.header("Authorization");
        if (given == null && auth != null) {
            // Authentication schemes are case-insensitive (RFC 9110 11.1); space may be more than one.
            String[] parts = auth.strip().split("[ \t]+", 2);
            if (parts.length == 2 && parts[0].equalsIgnoreCase("Bearer")) {
                given = parts[1].strip();
            }
        }
        // Digests have equal length, so the comparison takes the same time whatever the token.
        if (given == null || !java.security.MessageDigest.isEqual(sha256(given), tokenDigest)) {
            return "missing or wrong token (set --token or ROLLCALL_HTTP_TOKEN)";
        }
        return null;
    }

    /** The HTTP server's own refusals, in the Prometheus text format, to follow the agent's metrics. */
    private String httpMetrics() {
        StringBuilder out = new StringBuilder("# HELP rollcall_http_refused_total HTTP connections and requests refused or cut short, by reason\n"
                + "# TYPE rollcall_http_refused_total counter\n");
        server.refusals().forEach((reason, n) -> out.append("rollcall_http_refused_total{reason=\"")
                .append(reason.name().toLowerCase(Locale.ROOT)).append("\"} ").append(n).append(".0\n"));
        out.append("# HELP rollcall_http_decision_events_dropped_total decision events not sent to an event stream whose queue was full\n"
                + "# TYPE rollcall_http_decision_events_dropped_total counter\n"
                + "rollcall_http_decision_events_dropped_total ").append(decisionEventsDropped.get()).append(".0\n");
        return out.toString();
    }

    /** @return the member name in a path segment, decoded and checked against the name rule */
    private static String memberName(String segment) {
        // A path keeps '+' literal; URLDecoder would make it a space.
        String name = decode(segment.replace("+", "%2B"), "path");
        String badName = io.rollcall.NodeNames.problem(name);
        if (badName != null) {
            throw new ApiError(400, badName);
        }
        return name;
    }

    /** Percent-decoding with a one-line error of ours, not the JDK's. */
    private static String decode(String encoded, String where) {
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "bad percent-escape in the " + where + ": '" + encoded
                    + "' (a % must be followed by two hex digits)");
        }
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static Map<String, Object> keyResult(io.rollcall.KeyOperation op) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("members", op.members());
        out.put("responses", op.responses());
        out.put("failures", new java.util.TreeMap<>(op.failures()));
        out.put("keys", new java.util.TreeMap<>(op.keys()));
        out.put("primary_keys", new java.util.TreeMap<>(op.primaryKeys()));
        return out;
    }

    private Map<String, Object> self() {
        return control.info();
    }

    private void members(PlainHttpServer.Response ex, String status) throws IOException {
        MembershipView view = control.node().view();
        List<ClusterMember> list = view.members();
        if (status != null) {
            MemberStatus wanted;
            try {
                wanted = MemberStatus.valueOf(status.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, "status must be alive, suspect, failed or left, not '" + status + "'");
            }
            list = view.withStatus(wanted);
        }
        Writer out = writer(ex.stream(200, "application/json; charset=utf-8", "no-cache"));
        Views.writeView(out, view.version(), list, probeFacts());
        out.write('\n');
        out.flush();
    }

    /** Buffers writes into chunks of a few KiB on a streamed answer. */
    private static Writer writer(OutputStream out) {
        return new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 8192);
    }

    private Map<String, Object> join(Object body) {
        if (!(body instanceof Map<?, ?> map) || !(map.get("addresses") instanceof List<?> list) || list.isEmpty()) {
            throw new ApiError(400, "expected {\"addresses\": [\"ip:port\", ...]}");
        }
        List<SeedProvider> seeds = new ArrayList<>();
        for (Object o : list) {
            seeds.add(SeedProvider.parse(String.valueOf(o)));
        }
        try {
            int joined = control.node().join(seeds, java.time.Duration.ZERO).get(control.node().config().tcpTimeout().toMillis() + 5_000,
                    TimeUnit.MILLISECONDS);
            return Map.of("joined", joined);
        } catch (ExecutionException e) {
            String msg = e.getCause() instanceof JoinException je ? je.getMessage() : String.valueOf(e.getCause());
            throw new ApiError(502, msg);
        } catch (TimeoutException e) {
            throw new ApiError(504, "join did not complete in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "interrupted");
        }
    }

    private static final String EVENT_SHAPE = "expected {\"name\": \"NAME\", \"payload\": \"TEXT\", \"coalesce\": true}";

    /** {@code POST /v1/event}: a Serf user event to the whole cluster, as {@code serf event}. */
    private Map<String, Object> userEvent(Object body) throws Exception {
        if (!(body instanceof Map<?, ?> map) || !(map.get("name") instanceof String name) || name.isEmpty()
                || !List.of("name", "payload", "coalesce").containsAll(map.keySet())
                || map.get("payload") != null && !(map.get("payload") instanceof String)
                || map.get("coalesce") != null && !(map.get("coalesce") instanceof Boolean)) {
            throw new ApiError(400, EVENT_SHAPE);
        }
        byte[] payload = map.get("payload") == null ? new byte[0] : ((String) map.get("payload")).getBytes(StandardCharsets.UTF_8);
        boolean coalesce = !Boolean.FALSE.equals(map.get("coalesce"));
        try {
            control.node().sendEvent(name, payload, coalesce).get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IllegalArgumentException bad ? new ApiError(400, bad.getMessage())
                    : new ApiError(503, String.valueOf(e.getCause().getMessage()));
        }
        return Map.of("name", name, "coalesce", coalesce);
    }

    private static final String QUERY_SHAPE = "expected {\"name\": \"NAME\", \"payload\": \"TEXT\", \"nodes\": [\"NODE\"],"
            + " \"tags\": {\"key\": \"regexp\"}, \"request_ack\": true, \"relay_factor\": 0, \"timeout_ms\": 3000}";
    /** Longest a query may gather answers through the API. */
    static final long MAX_QUERY_TIMEOUT_MILLIS = 300_000;

    /** {@code POST /v1/query}: asks the cluster a Serf query and answers when its timeout has passed. */
    private Map<String, Object> query(Object body) throws Exception {
        if (!(body instanceof Map<?, ?> map) || !(map.get("name") instanceof String name) || name.isEmpty()
                || !List.of("name", "payload", "nodes", "tags", "request_ack", "relay_factor", "timeout_ms").containsAll(map.keySet())) {
            throw new ApiError(400, QUERY_SHAPE);
        }
        io.rollcall.QueryOptions options = io.rollcall.QueryOptions.DEFAULT;
        if (map.get("payload") != null && !(map.get("payload") instanceof String)) {
            throw new ApiError(400, "\"payload\" must be a string; " + QUERY_SHAPE);
        }
        byte[] payload = map.get("payload") == null ? new byte[0] : ((String) map.get("payload")).getBytes(StandardCharsets.UTF_8);
        if (map.get("nodes") != null) {
            if (!(map.get("nodes") instanceof List<?> nodes) || !nodes.stream().allMatch(n -> n instanceof String)) {
                throw new ApiError(400, "\"nodes\" must be an array of strings; " + QUERY_SHAPE);
            }
            options = options.withNodes(nodes.stream().map(String::valueOf).toList());
        }
        if (map.get("tags") != null) {
            if (!(map.get("tags") instanceof Map<?, ?> tags) || !tags.values().stream().allMatch(v -> v instanceof String)) {
                throw new ApiError(400, "\"tags\" must be an object of strings; " + QUERY_SHAPE);
            }
            Map<String, String> filters = new LinkedHashMap<>();
            tags.forEach((k, v) -> filters.put(String.valueOf(k), (String) v));
            options = options.withTags(filters);
        }
        if (map.get("request_ack") != null) {
            if (!(map.get("request_ack") instanceof Boolean ack)) {
                throw new ApiError(400, "\"request_ack\" must be true or false");
            }
            options = options.withRequestAck(ack);
        }
        if (map.get("relay_factor") != null) {
            if (!(map.get("relay_factor") instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 0 || n.longValue() > 5) {
                throw new ApiError(400, "\"relay_factor\" must be a whole number from 0 to 5");
            }
            options = options.withRelayFactor(n.intValue());
        }
        if (map.get("timeout_ms") != null) {
            if (!(map.get("timeout_ms") instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 1
                    || n.longValue() > MAX_QUERY_TIMEOUT_MILLIS) {
                throw new ApiError(400, "\"timeout_ms\" must be a whole number from 1 to " + MAX_QUERY_TIMEOUT_MILLIS);
            }
            options = options.withTimeout(java.time.Duration.ofMillis(n.longValue()));
        }
        io.rollcall.QueryResult result;
        try {
            result = control.node().query(name, payload, options).get(MAX_QUERY_TIMEOUT_MILLIS + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IllegalArgumentException bad ? new ApiError(400, bad.getMessage())
                    : new ApiError(503, String.valueOf(e.getCause().getMessage()));
        }
        List<Object> responses = new ArrayList<>();
        for (io.rollcall.QueryResult.Response r : result.responses()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("from", r.from());
            // Answers are bytes: as text where they are UTF-8, and always exactly as base64.
            one.put("payload", new String(r.payload(), StandardCharsets.UTF_8));
            one.put("payload_base64", java.util.Base64.getEncoder().encodeToString(r.payload()));
            responses.add(one);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("acks", result.acks());
        out.put("responses", responses);
        return out;
    }

    private static final String TAGS_SHAPE = "expected {\"set\": {\"key\": \"value\"}, \"delete\": [\"key\"]}";

    private Map<String, String> tags(Object body) {
        if (!(body instanceof Map<?, ?> map) || map.isEmpty()
                || !List.of("set", "delete").containsAll(map.keySet())) {
            throw new ApiError(400, TAGS_SHAPE);
        }
        Map<String, String> set = new LinkedHashMap<>();
        Object setField = map.get("set");
        if (setField != null) {
            if (!(setField instanceof Map<?, ?> s)) {
                throw new ApiError(400, "\"set\" must be an object of strings; " + TAGS_SHAPE);
            }
            for (Map.Entry<?, ?> e : s.entrySet()) {
                if (!(e.getValue() instanceof String v)) {
                    throw new ApiError(400, "tag '" + e.getKey() + "' must have a string value");
                }
                set.put(String.valueOf(e.getKey()), v);
            }
        }
        List<String> delete = new ArrayList<>();
        Object deleteField = map.get("delete");
        if (deleteField != null) {
            if (!(deleteField instanceof List<?> d)) {
                throw new ApiError(400, "\"delete\" must be an array of strings; " + TAGS_SHAPE);
            }
            for (Object k : d) {
                if (!(k instanceof String key)) {
                    throw new ApiError(400, "\"delete\" must be an array of strings; " + TAGS_SHAPE);
                }
                delete.add(key);
            }
        }
        String bad = Agent.tagProblem(set);
        if (bad != null) {
            throw new ApiError(400, bad);
        }
        try {
            return control.updateTags(set, delete);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage());
        } catch (io.rollcall.SelfStateNotStoredException e) {
            // Nothing was changed or gossiped: the data directory cannot take it now (full, read-only).
            throw new ApiError(503, "tags not changed: " + e.getCause().getMessage());
        } catch (Exception e) {
            throw new ApiError(500, e.getMessage());
        }
    }

    /**
     * Server-Sent Events: each event's id is the view version after it. A client that reconnects with
     * {@code Last-Event-ID} receives every change since that version, or, if the history no longer
     * reaches back, a {@code snapshot} event first.
     */
    private void events(PlainHttpServer.Request req, PlainHttpServer.Response ex, Map<String, String> query)
            throws IOException {
        if (eventStreams.incrementAndGet() > MAX_EVENT_STREAMS) {
            eventStreams.decrementAndGet();
            throw new ApiError(503, "too many event streams (limit " + MAX_EVENT_STREAMS + ")");
        }
        BlockingQueue<Object> pending = new ArrayBlockingQueue<>(4_096);
        Subscription sub = null;
        Subscription decisionSub = null;
        try {
            String lastId = req.header("Last-Event-ID");
            if (lastId == null) {
                lastId = query.get("last_event_id");
            }
            long resumeFrom = -1;
            if (lastId != null && !lastId.isBlank()) {
                try {
                    resumeFrom = Long.parseLong(lastId.trim());
                } catch (NumberFormatException e) {
                    throw new ApiError(400, "Last-Event-ID must be a version number, not '" + lastId + "'");
                }
            }
            sub = control.node().subscribe(new MembershipListener() {
                @Override
                public void onSnapshot(MembershipView view, boolean resync) {
                    if (!pending.offer(view)) {
                        pending.clear();
                        pending.offer(view);
                    }
                }

                @Override
                public void onChange(MembershipChange change) {
                    if (!pending.offer(change)) {
                        pending.clear();
                        pending.offer(control.node().view());
                    }
                }
            });
            decisionSub = control.node().subscribeDecisions((member, decision) -> {
                // Records are not replayed on reconnect (GET .../history has them): a full stream drops them, counted.
                if (!pending.offer(new DecisionEvent(member, decision))) {
                    decisionEventsDropped.incrementAndGet();
                }
            });
            OutputStream out = ex.stream(200, "text/event-stream; charset=utf-8", "no-cache");
            boolean first = true;
            while (true) {
                Object next = pending.poll(KEEPALIVE_MILLIS, TimeUnit.MILLISECONDS);
                if (next == null) {
                    out.write(": keepalive\n\n".getBytes(StandardCharsets.UTF_8));
                } else if (next instanceof MembershipView view) {
                    if (first && resumeFrom >= 0) {
                        Catchup c = control.node().changesSince(resumeFrom);
                        if (c.isComplete()) {
                            for (MembershipChange ch : c.changes()) {
                                if (ch.version() <= view.version()) {
                                    writeEvent(out, ch.version(), ch.kind().name().toLowerCase(Locale.ROOT), Views.change(ch));
                                }
                            }
                        } else {
                            writeSnapshot(out, view, probeFacts());
                        }
                    } else {
                        writeSnapshot(out, view, probeFacts());
                    }
                    first = false;
                } else if (next instanceof DecisionEvent d) {
                    writeDecision(out, d);
                } else {
                    MembershipChange ch = (MembershipChange) next;
                    writeEvent(out, ch.version(), ch.kind().name().toLowerCase(Locale.ROOT), Views.change(ch));
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException clientGone) {
            LOG.log(Level.DEBUG, "event stream closed: " + clientGone.getMessage());
        } finally {
            if (sub != null) {
                sub.close();
            }
            if (decisionSub != null) {
                decisionSub.close();
            }
            eventStreams.decrementAndGet();
        }
    }

    private record TimedRoundTrips(ProbeFacts value, long takenNanos) {
    }

    /** @return the shared round trips and coordinates, taken again (by one request at a time) once older than the limit */
    private ProbeFacts probeFacts() {
        TimedRoundTrips t = sharedRoundTrips;
        if (t == null || System.nanoTime() - t.takenNanos() > ROUND_TRIPS_MAX_AGE_NANOS) {
            synchronized (roundTripsLock) {
                t = sharedRoundTrips;
                if (t == null || System.nanoTime() - t.takenNanos() > ROUND_TRIPS_MAX_AGE_NANOS) {
                    t = new TimedRoundTrips(new ProbeFacts(control.node().roundTrips(), control.node().coordinates()),
                            System.nanoTime());
                    sharedRoundTrips = t;
                }
            }
        }
        return t.value();
    }

    /** A snapshot event, streamed member by member like {@code /v1/members}. */
    private static void writeSnapshot(OutputStream out, MembershipView view, ProbeFacts facts) throws IOException {
        Writer w = writer(out);
        w.write("id: " + view.version() + "\nevent: snapshot\ndata: ");
        Views.writeView(w, view.version(), view.members(), facts);
        w.write("\n\n");
        w.flush();
    }

    /** A decision record on its way to one event stream. */
    private record DecisionEvent(String member, io.rollcall.Decision decision) {
    }

    /** A {@code decision} event: no {@code id}, so a reconnect still resumes from the last view version. */
    private static void writeDecision(OutputStream out, DecisionEvent d) throws IOException {
        String text = "event: decision\ndata: " + Json.write(DecisionViews.event(d.member(), d.decision())) + "\n\n";
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void writeEvent(OutputStream out, long id, String type, Object data) throws IOException {
        String text = "id: " + id + "\nevent: " + type + "\ndata: " + Json.write(data) + "\n\n";
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Object body(PlainHttpServer.Request req) throws IOException {
        try (InputStream in = req.body()) {
            byte[] bytes;
            try {
                bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            } catch (java.net.SocketTimeoutException e) {
                throw new ApiError(408, "the request body did not arrive in time (fewer bytes than its Content-Length)");
            }
            if (bytes.length > MAX_BODY_BYTES) {
                throw new ApiError(413, "request body is larger than " + MAX_BODY_BYTES + " bytes");
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (text.isBlank()) {
                return Map.of();
            }
            try {
                return Json.read(text);
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, "request body is " + e.getMessage());
            }
        }
    }

    private static void requireMethod(String actual, String expected) {
        if (!actual.equals(expected)) {
            throw new MethodNotAllowed(expected, actual);
        }
    }

    /** A 405: the one method the endpoint has, for the {@code Allow} header. */
    private static final class MethodNotAllowed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String allowed;

        MethodNotAllowed(String allowed, String actual) {
            super("use " + allowed + " here, not " + actual);
            this.allowed = allowed;
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq), "query");
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1), "query");
            out.put(k, v);
        }
        return out;
    }

    private static void json(PlainHttpServer.Response ex, int status, Object body) throws IOException {
        ex.send(status, "application/json; charset=utf-8", (Json.write(body) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void error(PlainHttpServer.Response ex, int status, String message) {
        if (ex.committed()) {
            return; // an event stream that failed midway: nothing more can be said
        }
        try {
            ex.sendError(status, message == null ? "error" : message);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "could not send error response: " + e.toString());
        }
    }

    /** An error answered with a status code and a JSON message. */
    static final class ApiError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        ApiError(int status, String message) {
            super(message);
            this.status = status;
        }
    }
}
