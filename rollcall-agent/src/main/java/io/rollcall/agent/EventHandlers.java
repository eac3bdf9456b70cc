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
 * Runs the configured commands for membership events, as Serf's event handlers: {@code sh -c CMD}
 * with {@code ROLLCALL_EVENT}, {@code ROLLCALL_SELF_NAME} and {@code ROLLCALL_TAG_<KEY>} for this
 * node's tags in the environment, and the member line {@code name<TAB>address<TAB>tags} on stdin.
 * One worker runs them in order from a bounded queue. Each handler runs in a session and process
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
    private final List<String> commands;
    private final String selfName;
    private final Supplier<Map<String, String>> selfTags;
    private final BlockingQueue<MembershipChange> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
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
        this.commands = List.copyOf(commands);
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
        if (!queue.offer(change)) {
            dropped.incrementAndGet();
            warnDropped(change);
        }
    }

    /** On the one delivery thread of this subscription, so the fields need no lock. */
    private void warnDropped(MembershipChange change) {
        dropsSinceWarning++;
        long now = System.nanoTime();
        if (droppedBefore && now - lastDropWarningNanos < DROP_WARNING_INTERVAL_MILLIS * 1_000_000) {
            return;
        }
        log.log(Level.WARNING, "event handler queue full (" + QUEUE_CAPACITY + " events); dropped " + dropsSinceWarning
                + " event(s) since the last warning, the latest " + eventName(change.kind()) + " for "
                + change.member().name() + " (" + dropped.get() + " in all)");
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
            MembershipChange change;
            try {
                change = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            for (String command : commands) {
                run(command, change);
            }
        }
    }

    private void run(String command, MembershipChange change) {
        String event = eventName(change.kind());
        // setsid execs the shell as the leader of a new session and process group (its PID is the
        // group's id), which everything the handler starts joins unless it leaves on purpose.
        List<String> argv = ownGroups ? List.of(SETSID, "sh", "-c", command) : List.of("sh", "-c", command);
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = pb.environment();
        env.put("ROLLCALL_EVENT", event);
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
            try (OutputStream stdin = p.getOutputStream()) {
                stdin.write(memberLine(change.member()).getBytes(StandardCharsets.UTF_8));
            } catch (IOException handlerClosedStdin) {
                // A handler may ignore its input and exit early; that is its right.
            }
            if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                killGroup(p);
                failed.incrementAndGet();
                log.log(Level.WARNING, "event handler '" + command + "' for " + event +
                        " " + change.member().name() + " ran longer than " + timeoutMillis
                        + " ms and was killed with its process group");
            } else if (p.exitValue() != 0) {
                failed.incrementAndGet();
                log.log(Level.WARNING, "event handler '" + command + "' for " + event +
                        " " + change.member().name() + " exited with status " + p.exitValue());
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
