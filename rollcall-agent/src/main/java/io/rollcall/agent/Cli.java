package io.rollcall.agent;

import io.rollcall.NetworkCoordinate;
import io.rollcall.PrintableText;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The commands that talk to a running agent over its HTTP API. */
final class Cli {
    private static final String DEFAULT_AGENT = "http://127.0.0.1:7947";
    /** How long a request may take in all. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /**
     * Most characters of one answer the CLI reads from its agent: {@code /v1/members} grows with the
     * cluster (about 40 MB at 65,536 members with full metadata); an eighth of this JVM's heap at most.
     */
    static final int MAX_ANSWER_CHARS = (int) Math.min(128L << 20, Runtime.getRuntime().maxMemory() / 8);
    /** How long {@code monitor} waits for the event stream to begin. */
    private static final Duration MONITOR_HEADERS_TIMEOUT = Duration.ofSeconds(60);

    private final Map<String, String> env;
    private final PrintStream out;
    // HTTP/1.1 as the agent speaks: the default would offer every request an h2c upgrade it never takes.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();
    private String agent;
    private String token;

    Cli(Map<String, String> env, PrintStream out) {
        this.env = env;
        this.out = out;
    }

    int run(String command, List<String> args) {
        if (args.contains("--help") || args.contains("-h")) {
            out.println(usageOf(command));
            return ExitCode.OK.status;
        }
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        List<String> nodes = new ArrayList<>();
        List<String> tagFilters = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (command.equals("query") && (a.equals("--no-ack") || a.equals("--node") || a.startsWith("--node=")
                    || a.equals("--tag") || a.startsWith("--tag="))) {
                // serf query's repeatable filters and its one flag without a value.
                if (a.equals("--no-ack")) {
                    options.put("no-ack", "true");
                    continue;
                }
                String value;
                if (a.indexOf('=') > 0) {
                    value = a.substring(a.indexOf('=') + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new AgentSettings.UsageException(a + " needs a value");
                }
                (a.startsWith("--node") ? nodes : tagFilters).add(value);
                continue;
            }
            if (a.startsWith("--")) {
                String name = a.substring(2);
                String value;
                int eq = name.indexOf('=');
                if (eq > 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                } else {
                    if (i + 1 >= args.size()) {
                        throw new AgentSettings.UsageException("--" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                options.put(name, value);
            } else {
                positional.add(a);
            }
        }
        agent = options.getOrDefault("agent", env.getOrDefault("ROLLCALL_AGENT", DEFAULT_AGENT));
        token = options.containsKey("token") ? options.remove("token") : env.get("ROLLCALL_HTTP_TOKEN");
        if (token != null && !token.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
            throw new AgentSettings.UsageException("the token may hold only visible ASCII characters (no spaces or control"
                    + " characters): an HTTP header cannot carry it otherwise");
        }
        if (agent.endsWith("/")) {
            agent = agent.substring(0, agent.length() - 1);
        }
        try {
            URI uri = URI.create(agent + "/v1/self");
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("not http");
            }
            uri.toURL();
        } catch (IllegalArgumentException | java.net.MalformedURLException e) {
            throw new AgentSettings.UsageException("bad agent address '" + agent + "' (expected http://HOST:PORT)");
        }
        switch (command) {
            case "members" -> members(options, positional);
            case "join" -> join(options, positional);
            case "leave" -> leave(options, positional);
            case "info" -> info(options, positional);
            case "monitor" -> monitor(options, positional);
            case "tags" -> tags(options, positional);
            case "keys" -> {
                return keys(options, positional);
            }
            case "event" -> event(options, positional);
            case "why" -> why(options, positional);
            case "query" -> query(options, positional, nodes, tagFilters);
            case "rtt" -> rtt(options, positional);
            default -> throw new AgentSettings.UsageException("unknown command '" + command + "'");
        }
        return ExitCode.OK.status;
    }

    /** @return the usage line of one command, from the overview's */
    private static String usageOf(String command) {
        for (String line : Main.USAGE.split(System.lineSeparator())) {
            if (line.startsWith("  " + command + " ")) {
                return "usage: rollcall " + command + " " + line.substring(2 + command.length()).strip()
                        + System.lineSeparator() + "  --agent URL (or ROLLCALL_AGENT; default " + DEFAULT_AGENT
                        + "), --token TOKEN (or ROLLCALL_HTTP_TOKEN)";
            }
        }
        return Main.USAGE;
    }

    private static void only(Map<String, String> options, String... allowed) {
        for (String k : options.keySet()) {
            if (!k.equals("agent") && !k.equals("token") && !List.of(allowed).contains(k)) {
                throw new AgentSettings.UsageException("unknown option --" + k);
            }
        }
    }

    private static void noArgs(List<String> positional) {
        if (!positional.isEmpty()) {
            throw new AgentSettings.UsageException("unexpected argument '" + positional.get(0) + "'");
        }
    }

    private void members(Map<String, String> options, List<String> positional) {
        only(options, "status", "format");
        noArgs(positional);
        String format = options.getOrDefault("format", "table");
        if (!format.equals("table") && !format.equals("json")) {
            throw new AgentSettings.UsageException("--format must be table or json, not '" + format + "'");
        }
        String status = options.get("status");
        if (status != null && !List.of("alive", "suspect", "failed", "left").contains(status)) {
            throw new AgentSettings.UsageException("--status must be alive, suspect, failed or left, not '" + status + "'");
        }
        Object body = request("GET", "/v1/members" + (status == null ? "" : "?status=" + status), null);
        List<?> members = list(object(body).get("members"), "members");
        if (format.equals("json")) {
            out.println(Json.write(members));
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "ADDRESS", "STATUS", "TAGS"});
        for (Object o : members) {
            Map<?, ?> m = object(o);
            StringBuilder tags = new StringBuilder();
            Object memberTags = m.get("tags");
            new TreeMap<>(memberTags == null ? Map.of() : object(memberTags)).forEach((k, v) -> {
                if (tags.length() > 0) {
                    tags.append(',');
                }
                tags.append(k).append('=').append(v);
            });
            // Tags, and a name from an agent older than the name rule, are text from any host.
            rows.add(new String[] {PrintableText.escape(String.valueOf(m.get("name"))),
                PrintableText.escape(String.valueOf(m.get("address"))), PrintableText.escape(String.valueOf(m.get("status"))),
                PrintableText.escape(tags.toString())});
        }
        int[] width = new int[4];
        for (String[] r : rows) {
            for (int i = 0; i < 4; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            out.println(String.format("%-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %s", r[0], r[1], r[2], r[3])
                    .stripTrailing());
        }
    }

    /**
     * {@code serf rtt}'s estimate between two members from their network coordinates; the second
     * defaults to the agent's own node.
     */
    private void rtt(Map<String, String> options, List<String> positional) {
        only(options);
        if (positional.isEmpty() || positional.size() > 2) {
            throw new AgentSettings.UsageException("rtt needs one or two node names");
        }
        String a = positional.get(0);
        String b = positional.size() == 2 ? positional.get(1) : String.valueOf(object(request("GET", "/v1/self", null)).get("name"));
        NetworkCoordinate ca = coordinateOf(a);
        NetworkCoordinate cb = coordinateOf(b);
        if (ca.vector().size() != cb.vector().size()) {
            throw new CliException("the coordinates of " + PrintableText.escape(a) + " and " + PrintableText.escape(b)
                    + " have different dimensions (" + ca.vector().size() + " and " + cb.vector().size() + ")");
        }
        out.println(String.format(Locale.ROOT, "Estimated %s <-> %s rtt: %.3f ms (using LAN coordinates)",
                PrintableText.escape(a), PrintableText.escape(b), ca.estimatedRttTo(cb).toNanos() / 1.0e6));
    }

    private NetworkCoordinate coordinateOf(String name) {
        String badName = io.rollcall.NodeNames.problem(name);
        if (badName != null) {
            throw new AgentSettings.UsageException(badName);
        }
        Map<?, ?> member = object(request("GET", "/v1/members/" + URLEncoder.encode(name, StandardCharsets.UTF_8), null));
        if (!(member.get("coordinate") instanceof Map<?, ?> c)) {
            throw new CliException("Could not find a coordinate for node \"" + PrintableText.escape(name) + "\"");
        }
        List<Double> vec = new ArrayList<>();
        for (Object v : list(c.get("vec"), "coordinate.vec")) {
            vec.add(real(v, "coordinate.vec"));
        }
        return new NetworkCoordinate(vec, real(c.get("error"), "coordinate.error"),
                real(c.get("adjustment"), "coordinate.adjustment"), real(c.get("height"), "coordinate.height"));
    }

    private double real(Object value, String field) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw unexpected(field);
    }

    private void join(Map<String, String> options, List<String> positional) {
        only(options);
        if (positional.isEmpty()) {
            throw new AgentSettings.UsageException("join needs at least one address");
        }
        for (String a : positional) {
            try {
                io.rollcall.SeedProvider.parse(a);
            } catch (IllegalArgumentException e) {
                throw new AgentSettings.UsageException(e.getMessage());
            }
        }
        Object body = request("POST", "/v1/join", Map.of("addresses", positional));
        out.println("joined through " + number(object(body).get("joined"), "joined") + " of " + positional.size()
                + " address(es)");
    }

    private void leave(Map<String, String> options, List<String> positional) {
        only(options);
        noArgs(positional);
        Object body = request("POST", "/v1/leave", Map.of());
        if (!(object(body).get("timed_out") instanceof Boolean timedOut)) {
            throw unexpected("timed_out");
        }
        out.println(timedOut ? "left the cluster (the announcement timed out before reaching everyone); the agent is stopping"
                : "left the cluster; the agent is stopping");
    }

    private void info(Map<String, String> options, List<String> positional) {
        only(options, "format");
        noArgs(positional);
        String format = options.getOrDefault("format", "table");
        if (!format.equals("table") && !format.equals("json")) {
            throw new AgentSettings.UsageException("--format must be table or json, not '" + format + "'");
        }
        Map<?, ?> body = object(request("GET", "/v1/self", null));
        if (format.equals("json")) {
            out.println(Json.write(body));
            return;
        }
        print("", body);
    }

    private void print(String indent, Map<?, ?> map) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> inner && !inner.isEmpty()) {
                out.println(indent + PrintableText.escape(String.valueOf(e.getKey())) + ":");
                print(indent + "  ", inner);
            } else {
                Object v = e.getValue() instanceof Map<?, ?> ? "{}" : e.getValue();
                out.println(indent + PrintableText.escape(String.valueOf(e.getKey())) + ": "
                        + PrintableText.escape(v instanceof List<?> || v instanceof Map<?, ?> ? Json.write(v) : String.valueOf(v)));
            }
        }
    }

    /** {@code rollcall why NAME}: the member's decision records, told as text (or as the JSON the agent answers). */
    private void why(Map<String, String> options, List<String> positional) {
        only(options, "format");
        if (positional.size() != 1) {
            throw new AgentSettings.UsageException("usage: rollcall why NAME [--format text|json]");
        }
        String format = options.getOrDefault("format", "text");
        if (!format.equals("text") && !format.equals("json")) {
            throw new AgentSettings.UsageException("--format must be text or json, not '" + format + "'");
        }
        String name = positional.get(0);
        String problem = io.rollcall.NodeNames.problem(name);
        if (problem != null) {
            throw new AgentSettings.UsageException(problem);
        }
        String segment = java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
        Object body = request("GET", "/v1/members/" + segment + "/history", null);
        if (format.equals("json")) {
            out.println(Json.write(body));
            return;
        }
        Object account = object(body).get("account");
        if (!(account instanceof String text)) {
            throw new CliException("the agent's answer has no account of " + name);
        }
        // The account names what peers told us: each of its lines is escaped like any text from peers.
        for (String line : text.split("\n", -1)) {
            out.println(PrintableText.escape(line));
        }
    }

    /** {@code rollcall event NAME [PAYLOAD]}, as {@code serf event}. */
    private void event(Map<String, String> options, List<String> positional) {
        only(options, "coalesce");
        if (positional.isEmpty() || positional.size() > 2) {
            throw new AgentSettings.UsageException("usage: rollcall event [--coalesce true|false] NAME [PAYLOAD]");
        }
        String coalesce = options.getOrDefault("coalesce", "true");
        if (!coalesce.equals("true") && !coalesce.equals("false")) {
            throw new AgentSettings.UsageException("--coalesce must be true or false, not '" + coalesce + "'");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", positional.get(0));
        if (positional.size() == 2) {
            body.put("payload", positional.get(1));
        }
        body.put("coalesce", Boolean.parseBoolean(coalesce));
        request("POST", "/v1/event", body);
        out.println("Event '" + PrintableText.escape(positional.get(0)) + "' dispatched! Coalescing enabled: " + coalesce);
    }

    /** {@code rollcall query NAME [PAYLOAD]}, printed as {@code serf query} prints (text or json). */
    private void query(Map<String, String> options, List<String> positional, List<String> nodes, List<String> tagFilters) {
        only(options, "timeout", "no-ack", "relay-factor", "format");
        if (positional.isEmpty() || positional.size() > 2) {
            throw new AgentSettings.UsageException("usage: rollcall query [--node NAME]... [--tag KEY=REGEXP]... [--timeout DURATION]"
                    + " [--no-ack] [--relay-factor N] [--format text|json] NAME [PAYLOAD]");
        }
        String format = options.getOrDefault("format", "text");
        if (!format.equals("text") && !format.equals("json")) {
            throw new AgentSettings.UsageException("--format must be text or json, not '" + format + "'");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", positional.get(0));
        if (positional.size() == 2) {
            body.put("payload", positional.get(1));
        }
        if (!nodes.isEmpty()) {
            body.put("nodes", nodes);
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (String kv : tagFilters) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new AgentSettings.UsageException("--tag expects KEY=REGEXP, got '" + kv + "'");
            }
            tags.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        if (!tags.isEmpty()) {
            body.put("tags", tags);
        }
        boolean ack = !options.containsKey("no-ack");
        body.put("request_ack", ack);
        if (options.containsKey("relay-factor")) {
            String rf = options.get("relay-factor");
            if (!rf.matches("[0-5]")) {
                throw new AgentSettings.UsageException("--relay-factor must be 0 to 5, not '" + rf + "'");
            }
            body.put("relay_factor", Integer.parseInt(rf));
        }
        Duration wait = REQUEST_TIMEOUT;
        if (options.containsKey("timeout")) {
            Duration t = AgentSettings.duration("timeout", options.get("timeout"));
            if (t.isZero() || t.toMillis() > HttpApi.MAX_QUERY_TIMEOUT_MILLIS) {
                throw new AgentSettings.UsageException("--timeout must be more than 0 and at most "
                        + HttpApi.MAX_QUERY_TIMEOUT_MILLIS / 1000 + "s");
            }
            body.put("timeout_ms", t.toMillis());
            wait = t.plusSeconds(15);
        }
        if (format.equals("text")) {
            out.println("Query '" + PrintableText.escape(positional.get(0)) + "' dispatched");
        }
        Map<?, ?> result = object(request("POST", "/v1/query", body, wait));
        List<?> acks = list(result.get("acks"), "acks");
        List<?> responses = list(result.get("responses"), "responses");
        if (format.equals("json")) {
            Map<String, Object> answers = new java.util.TreeMap<>();
            for (Object r : responses) {
                answers.put(String.valueOf(object(r).get("from")), object(r).get("payload"));
            }
            out.println(Json.write(Map.of("Acks", acks, "Responses", answers)));
            return;
        }
        // Names and answers come from other members: escaped, so they cannot drive the terminal.
        for (Object a : acks) {
            out.println("Ack from '" + PrintableText.escape(String.valueOf(a)) + "'");
        }
        for (Object r : responses) {
            String payload = String.valueOf(object(r).get("payload"));
            if (payload.endsWith("\n")) {
                payload = payload.substring(0, payload.length() - 1);
            }
            out.println("Response from '" + PrintableText.escape(String.valueOf(object(r).get("from"))) + "': "
                    + PrintableText.escape(payload));
        }
        if (ack) {
            out.println("Total Acks: " + acks.size());
        }
        out.println("Total Responses: " + responses.size());
    }

    private void tags(Map<String, String> options, List<String> positional) {
        only(options);
        if (positional.isEmpty() || !(positional.get(0).equals("set") || positional.get(0).equals("delete"))
                || positional.size() < 2) {
            throw new AgentSettings.UsageException("usage: rollcall tags set KEY=VALUE... | rollcall tags delete KEY...");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (positional.get(0).equals("set")) {
            Map<String, String> set = new LinkedHashMap<>();
            for (String kv : positional.subList(1, positional.size())) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new AgentSettings.UsageException("tags set expects KEY=VALUE, got '" + kv + "'");
                }
                set.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            body.put("set", set);
        } else {
            body.put("delete", positional.subList(1, positional.size()));
        }
        Object result = request("PUT", "/v1/tags", body);
        out.println("tags: " + Json.write(object(object(result).get("tags"))));
    }

    private int keys(Map<String, String> options, List<String> positional) {
        only(options);
        String op = positional.isEmpty() ? "" : positional.get(0);
        Object body;
        if (op.equals("list") && positional.size() == 1) {
            body = request("GET", "/v1/keys", null);
        } else if ((op.equals("install") || op.equals("use") || op.equals("remove")) && positional.size() == 2) {
            body = request("POST", "/v1/keys/" + op, Map.of("key", positional.get(1)));
        } else {
            throw new AgentSettings.UsageException("usage: rollcall keys list | install KEY | use KEY | remove KEY");
        }
        Map<?, ?> result = object(body);
        long members = number(result.get("members"), "members");
        long responses = number(result.get("responses"), "responses");
        out.println("members: " + members + ", responses: " + responses);
        Map<?, ?> failures = object(result.get("failures"));
        // Names and reasons here are what other members answered.
        failures.forEach((node, why) -> out.println("  failed at " + PrintableText.escape(String.valueOf(node)) + ": "
                + PrintableText.escape(String.valueOf(why))));
        if (op.equals("list")) {
            object(result.get("keys")).forEach((k, n) -> out.println("  key " + k + " on " + n + " member(s)"));
            object(result.get("primary_keys")).forEach((k, n) -> out.println("  primary " + k + " on " + n + " member(s)"));
        }
        boolean ok = failures.isEmpty() && responses >= members;
        if (!ok) {
            System.err.println("rollcall: not every member answered or agreed (see above)");
        }
        return ok ? ExitCode.OK.status : ExitCode.START.status;
    }

    /** Streams {@code /v1/events} as one JSON object per line; changes only (the first snapshot is skipped). */
    private void monitor(Map<String, String> options, List<String> positional) {
        only(options, "since");
        noArgs(positional);
        if (options.containsKey("since") && !options.get("since").matches("[0-9]{1,18}")) {
            throw new AgentSettings.UsageException("--since must be an event sequence number, not '" + options.get("since") + "'");
        }
        // No request timeout: the stream is meant to stay open. The headers must come soon, though,
        // or something that is not an agent is holding the connection.
        HttpRequest.Builder req = authorized(HttpRequest.newBuilder(URI.create(agent + "/v1/events")).GET());
        if (options.containsKey("since")) {
            req.header("Last-Event-ID", options.get("since"));
        }
        HttpResponse<InputStream> response = send(req.build(), HttpResponse.BodyHandlers.ofInputStream(),
                MONITOR_HEADERS_TIMEOUT);
        if (response.statusCode() != 200) {
            throw new CliException(errorOf(response.statusCode(), readAll(response.body())));
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ") && event != null && !event.equals("snapshot")) {
                    Map<?, ?> change;
                    long sequence;
                    try {
                        change = object(Json.read(line.substring(6)));
                        sequence = Long.parseLong(String.valueOf(id));
                    } catch (IllegalArgumentException e) {
                        throw unexpected("event");
                    }
                    Map<?, ?> member = object(change.get("member"));
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("sequence", sequence);
                    row.put("time", change.get("time"));
                    row.put("type", change.get("type"));
                    row.put("member", member.get("name"));
                    row.put("address", member.get("address"));
                    row.put("state", member.get("status"));
                    row.put("incarnation", member.get("incarnation"));
                    row.put("tags", member.get("tags"));
                    out.println(Json.write(row));
                    out.flush();
                } else if (line.isEmpty()) {
                    event = null;
                }
            }
        } catch (IOException e) {
            throw new CliException("event stream from " + agent + " broke: " + e.getMessage());
        }
        throw new CliException("the agent at " + agent + " closed the event stream");
    }

    private Object request(String method, String path, Object body) {
        return request(method, path, body, REQUEST_TIMEOUT);
    }

    private Object request(String method, String path, Object body, Duration timeout) {
        HttpRequest.Builder b = authorized(HttpRequest.newBuilder(URI.create(agent + path)).timeout(timeout));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
        }
        HttpResponse<String> response = send(b.build(), HttpResponse.BodyHandlers.ofString(), timeout);
        if (response.statusCode() / 100 != 2) {
            throw new CliException(errorOf(response.statusCode(), response.body()));
        }
        try {
            return Json.read(response.body(), MAX_ANSWER_CHARS);
        } catch (IllegalArgumentException e) {
            throw new CliException("the agent at " + agent + " sent an unreadable answer (" + e.getMessage() + ")");
        }
    }

    private Map<?, ?> object(Object value) {
        if (value instanceof Map<?, ?> map) {
            return map;
        }
        throw unexpected(value == null ? "a field is missing" : "an object expected");
    }

    private List<?> list(Object value, String field) {
        if (value instanceof List<?> list) {
            return list;
        }
        throw unexpected(field);
    }

    private long number(Object value, String field) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        throw unexpected(field);
    }

    /** The reply was JSON but not the agent's: something else listens at the address. */
    private CliException unexpected(String what) {
        return new CliException("the server at " + agent + " sent an answer that is not a Rollcall agent's (" + what
                + "); check --agent");
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder b) {
        return token == null || token.isEmpty() ? b : b.header("Authorization", "Bearer " + token);
    }

    /**
     * Sends a request; the response's headers must arrive within {@code limit} (a request of
     * {@link #request} also has its own timeout; the event stream of {@code monitor} has none).
     */
    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler, Duration limit) {
        try {
            return http.sendAsync(request, handler).get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new CliException("the agent at " + agent + " did not answer in time");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof ConnectException) {
                throw new CliException("no agent answering at " + agent + " (is 'rollcall agent' running? set --agent or ROLLCALL_AGENT)");
            }
            if (cause instanceof HttpTimeoutException) {
                throw new CliException("the agent at " + agent + " did not answer in time");
            }
            throw new CliException("cannot talk to the agent at " + agent + ": " + cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    private static String errorOf(int status, String body) {
        try {
            Object doc = Json.read(body);
            if (doc instanceof Map<?, ?> m && m.get("error") != null) {
                return String.valueOf(m.get("error"));
            }
        } catch (IllegalArgumentException ignored) {
            // Not our JSON: fall through to the status line.
        }
        return "the agent answered HTTP " + status;
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The agent could not be reached or refused the request: one line, exit status 1. */
    static final class CliException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CliException(String message) {
            super(message);
        }
    }
}
