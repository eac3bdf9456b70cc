package io.rollcall.agent;

import io.rollcall.ChangeKind;
import io.rollcall.ClusterMember;
import io.rollcall.MembershipChange;
import io.rollcall.MembershipListener;
import io.rollcall.MembershipView;
import io.rollcall.PrintableText;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.lang.System.Logger.Level;

/**
 * Runs the configured commands for membership events, Serf user events and Serf queries, as Serf's
 * event handlers: {@code sh -c CMD} with {@code ROLLCALL_EVENT} ({@code member-join}, ...,
 * {@code user}, {@code query}), {@code ROLLCALL_SELF_NAME} and {@code ROLLCALL_TAG_<KEY>} for this
 * node's tags in the environment. A membership event gives the member line
 * {@code name<TAB>address<TAB>tags} on stdin; a user event gives {@code ROLLCALL_USER_EVENT} and
 * {@code ROLLCALL_USER_LTIME}, a query {@code ROLLCALL_QUERY_NAME} and {@code ROLLCALL_QUERY_LTIME},
 * and both the payload on stdin (with a newline added if it lacks one, as Serf does). What a query's
 * handler prints (stdout and stderr, the last {@value #MAX_QUERY_OUTPUT_BYTES} bytes, as Serf's
 * 8 KiB buffer) is this node's answer. A handler given as {@code FILTER=CMD} runs only for the events
 * its filter names, in Serf's syntax ({@code member-join,user:deploy,query:uptime,*}); one without a
 * filter runs for every event. User events that allow it are coalesced as the Serf agent does
 * ({@link UserEventCoalescer}). One worker runs them in order from a bounded queue. Each handler runs in a session and process
 * group of its own ({@code setsid}), so one that runs past its timeout is killed with everything it
 * started: SIGTERM to the group, then SIGKILL after a grace period. Nothing a handler does can block
 * the protocol: a full queue drops events and counts them, with a warning at most every
 * {@value #DROP_WARNING_INTERVAL_MILLIS} ms.
 */
final class EventHandlers implements MembershipListener, AutoCloseable {
    /** Events waiting for handlers before newer ones are dropped. */
    static final int QUEUE_CAPACITY = 256;
    /** Longest a handler may run before it is killed. */
    static final long HANDLER_TIMEOUT_MILLIS = 30_000;
    /** Between SIGTERM to a timed-out handler's process group and SIGKILL. */
    static final long KILL_GRACE_MILLIS = 2_000;
    /** Least time between two warnings about dropped events. */
    static final long DROP_WARNING_INTERVAL_MILLIS = 10_000;
    private static final String SETSID = "/usr/bin/setsid";

    private final System.Logger log;

    private final long timeoutMillis;
    private final boolean ownGroups = java.nio.file.Files.isExecutable(java.nio.file.Path.of(SETSID));
    private long dropsSinceWarning;
    private long lastDropWarningNanos;
    private boolean droppedBefore;
    /** Most bytes of a query handler's output kept (its last bytes), as Serf's agent. */
    static final int MAX_QUERY_OUTPUT_BYTES = 8 * 1024;
    private final List<Handler> commands;
    private final String selfName;
    private final Supplier<Map<String, String>> selfTags;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final UserEventCoalescer coalescer = new UserEventCoalescer();

    /** What the worker runs handlers for. */
    sealed interface Item {
        /** @return Serf's event type name */
        String event();

        /** @return for logs */
        String subject();
    }

    /** @param change a membership change */
    record MemberItem(MembershipChange change) implements Item {
        @Override
        public String event() {
            return eventName(change.kind());
        }

        @Override
        public String subject() {
            return change.member().name();
        }
    }

    /** @param userEvent a Serf user event */
    record UserItem(io.rollcall.UserEvent userEvent) implements Item {
        @Override
        public String event() {
            return "user";
        }

        @Override
        public String subject() {
            return userEvent.name();
        }
    }

    /** @param query a Serf query this node was asked */
    record QueryItem(io.rollcall.IncomingQuery query) implements Item {
        @Override
        public String event() {
            return "query";
        }

        @Override
        public String subject() {
            return query.name();
        }
    }

    /**
     * One configured handler, as Serf parses {@code -event-handler}: an optional filter list before
     * the first {@code =}. Unlike Serf, text before a {@code =} that is not a valid filter list is
     * part of the command ({@code echo a=b} stays one command), so handlers written before filters
     * existed keep running.
     *
     * @param filters Serf's filters: {@code *}, an event type, {@code user:NAME}, {@code query:NAME}
     * @param command the shell command
     */
    record Handler(List<String> filters, String command) {
        private static final java.util.Set<String> TYPES = java.util.Set.of("member-join", "member-leave", "member-failed",
                "member-update", "member-reap", "user", "query", "*");

        static Handler parse(String spec) {
            int eq = spec.indexOf('=');
            if (eq > 0) {
                List<String> filters = List.of(spec.substring(0, eq).split(",", -1));
                if (filters.stream().allMatch(f -> TYPES.contains(f)
                        || (f.startsWith("user:") || f.startsWith("query:")) && f.indexOf(':') < f.length() - 1)) {
                    return new Handler(filters, spec.substring(eq + 1));
                }
            }
            return new Handler(List.of("*"), spec);
        }

        boolean wants(Item item) {
            for (String f : filters) {
                if (f.equals("*") || f.equals(item.event())) {
                    return true;
                }
                if (f.equals("user:" + item.subject()) && item instanceof UserItem
                        || f.equals("query:" + item.subject()) && item instanceof QueryItem) {
                    return true;
                }
            }
            return false;
        }

        /** @return whether some event of this type could run it */
        boolean wantsType(String type) {
            return filters.stream().anyMatch(f -> f.equals("*") || f.equals(type) || f.startsWith(type + ":"));
        }
    }
    private final Thread worker;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean closed;

    EventHandlers(List<String> commands, String selfName, Supplier<Map<String, String>> selfTags) {
        this(commands, selfName, selfTags, HANDLER_TIMEOUT_MILLIS, System.getLogger(EventHandlers.class.getName()));
    }

    /**
     * @param timeoutMillis longest a handler may run before its process group is killed
     * @param log           where warnings go
     */
    EventHandlers(List<String> commands, String selfName, Supplier<Map<String, String>> selfTags, long timeoutMillis,
                  System.Logger log) {
        this.timeoutMillis = timeoutMillis;
        this.log = log;
        this.commands = commands.stream().map(Handler::parse).toList();
        this.selfName = selfName;
        this.selfTags = selfTags;
        this.worker = new Thread(this::work, "rollcall-event-handlers");
        this.worker.setDaemon(true);
    }

    void start() {
        worker.start();
    }

    static String eventName(ChangeKind kind) {
        return switch (kind) {
            case JOINED -> "member-join";
            case LEFT -> "member-leave";
            case FAILED -> "member-failed";
            case UPDATED -> "member-update";
            case REMOVED -> "member-reap";
            case SUSPECTED, RECOVERED -> null;
        };
    }

    @Override
    public void onSnapshot(MembershipView view, boolean resync) {
        if (resync) {
            log.log(Level.WARNING, "event handlers fell behind; some membership events were not passed to handlers");
        }
    }

    @Override
    public void onChange(MembershipChange change) {
        if (eventName(change.kind()) == null || commands.isEmpty()) {
            return;
        }
        offer(new MemberItem(change));
    }

    /** @return whether some handler may run for user events (else the agent need not listen) */
    boolean wantsUserEvents() {
        return commands.stream().anyMatch(h -> h.wantsType("user"));
    }

    /** @return whether some handler may answer queries */
    boolean wantsQueries() {
        return commands.stream().anyMatch(h -> h.wantsType("query"));
    }

    /** @param event a Serf user event, from the node's delivery thread */
    void onUserEvent(io.rollcall.UserEvent event) {
        offer(new UserItem(event));
    }

    /** @param query a Serf query, from the node's delivery thread */
    void onQuery(io.rollcall.IncomingQuery query) {
        offer(new QueryItem(query));
    }

    private void offer(Item item) {
        if (!queue.offer(item)) {
            dropped.incrementAndGet();
            warnDropped(item);
        }
    }

    /** From the membership subscription's and the cluster events' delivery threads. */
    private synchronized void warnDropped(Item item) {
        dropsSinceWarning++;
        long now = System.nanoTime();
        if (droppedBefore && now - lastDropWarningNanos < DROP_WARNING_INTERVAL_MILLIS * 1_000_000) {
            return;
        }
        log.log(Level.WARNING, "event handler queue full (" + QUEUE_CAPACITY + " events); dropped " + dropsSinceWarning
                + " event(s) since the last warning, the latest " + item.event() + " for "
                + PrintableText.escape(item.subject()) + " (" + dropped.get() + " in all)");
        dropsSinceWarning = 0;
        lastDropWarningNanos = now;
        droppedBefore = true;
    }

    long dropped() {
        return dropped.get();
    }

    /** @return events waiting for the handlers */
    int queueDepth() {
        return queue.size();
    }

    long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        try {
            worker.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void work() {
        while (!closed) {
            Item item;
            try {
                long due = coalescer.millisUntilDue(System.nanoTime() / 1_000_000);
                item = due < 0 ? queue.take() : queue.poll(due, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime() / 1_000_000;
            if (item instanceof UserItem u && u.userEvent().coalesce() && coalescer.hold(u.userEvent(), now)) {
                item = null;
            }
            if (item != null) {
                runAll(item);
            }
            for (io.rollcall.UserEvent e : coalescer.releaseIfDue(System.nanoTime() / 1_000_000)) {
                runAll(new UserItem(e));
            }
        }
    }

    private void runAll(Item item) {
        for (Handler h : commands) {
            if (h.wants(item)) {
                run(h.command(), item);
            }
        }
    }

    private void run(String command, Item item) {
        String event = item.event();
        // setsid execs the shell as the leader of a new session and process group (its PID is the
        // group's id), which everything the handler starts joins unless it leaves on purpose.
        List<String> argv = ownGroups ? List.of(SETSID, "sh", "-c", command) : List.of("sh", "-c", command);
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        if (!(item instanceof QueryItem)) {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        Map<String, String> env = pb.environment();
        env.put("ROLLCALL_EVENT", event);
        byte[] input;
        if (item instanceof MemberItem m) {
            input = memberLine(m.change().member()).getBytes(StandardCharsets.UTF_8);
        } else if (item instanceof UserItem u) {
            // Names come from peers: escaped, so no control character reaches the environment.
            env.put("ROLLCALL_USER_EVENT", PrintableText.escape(u.userEvent().name()));
            env.put("ROLLCALL_USER_LTIME", Long.toUnsignedString(u.userEvent().lamportTime()));
            input = withNewline(u.userEvent().payload());
        } else {
            QueryItem q = (QueryItem) item;
            env.put("ROLLCALL_QUERY_NAME", PrintableText.escape(q.query().name()));
            env.put("ROLLCALL_QUERY_LTIME", Long.toUnsignedString(q.query().lamportTime()));
            input = withNewline(q.query().payload());
        }
        String subject = PrintableText.escape(item.subject());
        env.put("ROLLCALL_SELF_NAME", selfName);
        // A NUL cannot be in an environment; the agent refuses such tags, this guards the worker anyway.
        selfTags.get().forEach((k, v) -> {
            if (v.indexOf('\0') < 0) {
                env.put("ROLLCALL_TAG_" + k.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_"), v);
            }
        });
        Process p = null;
        try {
            p = pb.start();
            OutputTail output = item instanceof QueryItem ? new OutputTail(p.getInputStream()) : null;
            try (OutputStream stdin = p.getOutputStream()) {
                stdin.write(input);
            } catch (IOException handlerClosedStdin) {
                // A handler may ignore its input and exit early; that is its right.
            }
            if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                killGroup(p);
                failed.incrementAndGet();
                log.log(Level.WARNING, "event handler '" + command + "' for " + event +
                        " " + subject + " ran longer than " + timeoutMillis
                        + " ms and was killed with its process group");
            } else if (p.exitValue() != 0) {
                failed.incrementAndGet();
                log.log(Level.WARNING, "event handler '" + command + "' for " + event +
                        " " + subject + " exited with status " + p.exitValue());
            } else if (output != null) {
                answer(((QueryItem) item).query(), output.bytes());
            }
        } catch (IOException | RuntimeException e) {
            // One handler that cannot start must not end the worker: later events still run every handler.
            failed.incrementAndGet();
            log.log(Level.WARNING, "event handler '" + command + "' could not be started: " + e.getMessage());
        } catch (InterruptedException e) {
            if (p != null) {
                signalGroup(p, "KILL");
                p.destroyForcibly();
            }
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGTERM to the handler's process group, SIGKILL to whatever is left of it after
     * {@value #KILL_GRACE_MILLIS} ms. Also the shell's descendants one by one, for a system without
     * {@code setsid} (they are then not in a group of their own).
     */
    private void killGroup(Process p) throws InterruptedException {
        List<ProcessHandle> descendants = p.descendants().toList();
        signalGroup(p, "TERM");
        descendants.forEach(ProcessHandle::destroy);
        p.destroy();
        p.waitFor(KILL_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        signalGroup(p, "KILL");
        descendants.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(KILL_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Sends {@code signal} to the process group the handler leads; its leader's PID is the group's id. */
    private void signalGroup(Process p, String signal) {
        if (!ownGroups) {
            return;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + p.pid())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!kill.waitFor(KILL_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            log.log(Level.WARNING, "could not signal event handler process group " + p.pid() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** As Serf's agent: a handler that printed something answers the query with it, once. */
    private void answer(io.rollcall.IncomingQuery query, byte[] output) throws InterruptedException {
        if (output.length == 0) {
            return;
        }
        try {
            query.respond(output).get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            String why = e.getCause() != null ? e.getCause().getMessage() : "not sent in time";
            log.log(Level.WARNING, "failed to respond to query '" + PrintableText.escape(query.name()) + "': " + why);
        }
    }

    private static byte[] withNewline(byte[] payload) {
        if (payload.length > 0 && payload[payload.length - 1] == '\n') {
            return payload;
        }
        byte[] out = java.util.Arrays.copyOf(payload, payload.length + 1);
        out[payload.length] = '\n';
        return out;
    }

    /** Reads a query handler's output on a thread of its own, keeping its last {@value #MAX_QUERY_OUTPUT_BYTES} bytes. */
    private static final class OutputTail {
        private final byte[] ring = new byte[MAX_QUERY_OUTPUT_BYTES];
        private long written;
        private final Thread reader;

        OutputTail(java.io.InputStream in) {
            reader = new Thread(() -> {
                byte[] buf = new byte[4096];
                try (in) {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        synchronized (this) {
                            for (int i = 0; i < n; i++) {
                                ring[(int) (written++ % ring.length)] = buf[i];
                            }
                        }
                    }
                } catch (IOException closed) {
                    // The handler ended: what was read is its output.
                }
            }, "rollcall-query-handler-output");
            reader.setDaemon(true);
            reader.start();
        }

        byte[] bytes() throws InterruptedException {
            reader.join(KILL_GRACE_MILLIS);
            synchronized (this) {
                int n = (int) Math.min(written, ring.length);
                byte[] out = new byte[n];
                long start = written - n;
                for (int i = 0; i < n; i++) {
                    out[i] = ring[(int) ((start + i) % ring.length)];
                }
                return out;
            }
        }
    }

    static String memberLine(ClusterMember m) {
        StringBuilder tags = new StringBuilder();
        m.metadata().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            if (tags.length() > 0) {
                tags.append(',');
            }
            // Tags are free text from the member: escaped, so the record stays one line of three fields.
            tags.append(PrintableText.escape(e.getKey())).append('=').append(PrintableText.escape(e.getValue()));
        });
        return PrintableText.escape(m.name()) + "\t" + m.address().getAddress().getHostAddress() + ":" + m.address().getPort()
                + "\t" + tags + "\n";
    }
}
