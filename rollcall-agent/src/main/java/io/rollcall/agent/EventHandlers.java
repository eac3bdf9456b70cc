package io.rollcall.agent;

import io.rollcall.ChangeKind;
import io.rollcall.ClusterMember;
import io.rollcall.MembershipChange;
import io.rollcall.MembershipListener;
import io.rollcall.MembershipView;
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
 * One worker runs them in order from a bounded queue; a handler that runs past its timeout is
 * killed. Nothing a handler does can block the protocol: a full queue drops events and counts them.
 */
final class EventHandlers implements MembershipListener, AutoCloseable {
    /** Events waiting for handlers before newer ones are dropped. */
    static final int QUEUE_CAPACITY = 256;
    /** Longest a handler may run before it is killed. */
    static final long HANDLER_TIMEOUT_MILLIS = 30_000;

    private static final System.Logger LOG = System.getLogger(EventHandlers.class.getName());

    private final List<String> commands;
    private final String selfName;
    private final Supplier<Map<String, String>> selfTags;
    private final BlockingQueue<MembershipChange> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread worker;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean closed;

    EventHandlers(List<String> commands, String selfName, Supplier<Map<String, String>> selfTags) {
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
            LOG.log(Level.WARNING, "event handlers fell behind; some membership events were not passed to handlers");
        }
    }

    @Override
    public void onChange(MembershipChange change) {
        if (eventName(change.kind()) == null || commands.isEmpty()) {
            return;
        }
        if (!queue.offer(change)) {
            dropped.incrementAndGet();
            LOG.log(Level.WARNING, "event handler queue full (" + QUEUE_CAPACITY + " events); dropped " +
                    eventName(change.kind()) + " for " + change.member().name());
        }
    }

    long dropped() {
        return dropped.get();
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
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true)
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
            if (!p.waitFor(HANDLER_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                failed.incrementAndGet();
                LOG.log(Level.WARNING, "event handler '" + command + "' for " + event +
                        " " + change.member().name() + " ran longer than " + HANDLER_TIMEOUT_MILLIS
                        + " ms and was killed");
            } else if (p.exitValue() != 0) {
                failed.incrementAndGet();
                LOG.log(Level.WARNING, "event handler '" + command + "' for " + event +
                        " " + change.member().name() + " exited with status " + p.exitValue());
            }
        } catch (IOException | RuntimeException e) {
            // One handler that cannot start must not end the worker: later events still run every handler.
            failed.incrementAndGet();
            LOG.log(Level.WARNING, "event handler '" + command + "' could not be started: " + e.getMessage());
        } catch (InterruptedException e) {
            if (p != null) {
                p.destroyForcibly();
            }
            Thread.currentThread().interrupt();
        }
    }

    static String memberLine(ClusterMember m) {
        StringBuilder tags = new StringBuilder();
        m.metadata().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            if (tags.length() > 0) {
                tags.append(',');
            }
            tags.append(e.getKey()).append('=').append(e.getValue());
        });
        return m.name() + "\t" + m.address().getAddress().getHostAddress() + ":" + m.address().getPort() + "\t" + tags + "\n";
    }
}
