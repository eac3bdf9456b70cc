package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.ChangeKind;
import io.rollcall.ClusterMember;
import io.rollcall.MemberStatus;
import io.rollcall.MembershipChange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Event handlers as real {@code sh} processes, with a short timeout. */
class EventHandlersTest {
    @TempDir
    Path dir;
    private final List<Long> started = new ArrayList<>();
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final System.Logger log = new LineLoggerFinder(new PrintStream(logged, true, StandardCharsets.UTF_8))
            .getLogger(EventHandlers.class.getName(), EventHandlers.class.getModule());

    @AfterEach
    void killLeftovers() {
        // If the handler was not killed, do not leave its processes behind.
        started.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private static MembershipChange join(String name) {
        ClusterMember m = new ClusterMember(name, new InetSocketAddress("127.0.0.2", 7946), Map.of(), MemberStatus.ALIVE,
                Instant.EPOCH, 1);
        return new MembershipChange(1, Instant.EPOCH, ChangeKind.JOINED, m, null);
    }

    /** Running, not a zombie waiting for a parent to reap it. */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

    private long pid(Path file) throws IOException {
        long pid = Long.parseLong(Files.readString(file).strip());
        started.add(pid);
        return pid;
    }

    @Test
    void aHandlerPastItsTimeoutIsKilledWithEveryProcessItStarted() throws Exception {
        Path shell = dir.resolve("shell.pid");
        Path child = dir.resolve("child.pid");
        Path grandchild = dir.resolve("grandchild.pid");
        // A script that starts a child and a grandchild (which ignores SIGTERM), then waits.
        String command = "trap '' TERM; sh -c 'trap \"\" TERM; sleep 300 & echo $! > " + grandchild + "; wait' & echo $! > "
                + child + "; echo $$ > " + shell + "; sleep 300";
        try (EventHandlers handlers = new EventHandlers(List.of(command), "self", Map::of, 500, log)) {
            handlers.start();
            handlers.onChange(join("n2"));
            AgentProcess.await("the handler was killed", 20_000, () -> handlers.failed() == 1, () -> "failed " + handlers.failed());
            List<Long> pids = List.of(pid(shell), pid(child), pid(grandchild));
            AgentProcess.await("every process of the handler gone", 10_000,
                    () -> pids.stream().noneMatch(EventHandlersTest::running), () -> pids.toString());
        }
    }

    @Test
    void theQueueDepthIsReportedAndDropsAreWarnedOnceNotPerEvent() throws Exception {
        Path release = dir.resolve("release");
        String command = "while [ ! -e " + release + " ]; do sleep 0.05; done";
        try (EventHandlers handlers = new EventHandlers(List.of(command), "self", Map::of, 60_000, log)) {
            handlers.start();
            int sent = EventHandlers.QUEUE_CAPACITY + 100;
            for (int i = 0; i < sent; i++) {
                handlers.onChange(join("n" + i));
            }
            // One event is with the worker (or about to be), the rest wait or were dropped.
            assertThat(handlers.queueDepth()).isBetween(EventHandlers.QUEUE_CAPACITY - 1, EventHandlers.QUEUE_CAPACITY);
            assertThat(handlers.dropped()).isBetween(99L, 100L);
            assertThat(logged.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("queue full")))
                    .as("one warning for a burst of drops").hasSize(1);
            Files.createFile(release);
        }
    }
}
