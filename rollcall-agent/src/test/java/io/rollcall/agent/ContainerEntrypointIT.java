package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container without a container engine: the image's files are laid out from the distribution
 * archive as the container file's COPY lines say, and its ENTRYPOINT runs as PID 1 of a new PID
 * namespace ({@code unshare --pid --fork --mount-proc}), with the file's ENV. SIGTERM to that PID 1
 * must make the agent leave: a PID 1 that has no handler for a signal never receives it, so a
 * launcher that stayed in front of java (no exec) would never stop. 127.102.63.0/24.
 */
class ContainerEntrypointIT {
    private static final String IP = "127.102.63.1";

    @TempDir
    Path dir;
    @RegisterExtension
    final AgentGroup processes = new AgentGroup();

    @Test
    void theEntrypointAsPid1LeavesTheClusterOnSigterm() throws Exception {
        assumeTrue(Installed.has("setpriv")
                        && Installed.exec(List.of("unshare", "--pid", "--fork", "--mount-proc", "true")).status() == 0,
                "cannot make a PID namespace here (unshare --pid needs root; setpriv): the container's PID 1 is not tested");
        Path root = ContainerImage.layOut(dir);
        AgentProcess peer = processes.start(dir, "peer", "127.102.63.2", List.of());

        Map<String, String> env = new LinkedHashMap<>();
        DeployFiles.containerEnvironment().forEach((k, v) -> env.put(k, Installed.mapped(root, v)));
        // What `docker run -e ...` adds: an address of its own, the token the HTTP API needs off
        // loopback, a seed and a name.
        env.put("ROLLCALL_BIND", IP + ":7946");
        env.put("ROLLCALL_HTTP", IP + ":7947");
        env.put("ROLLCALL_HTTP_TOKEN", "container-token");
        env.put("ROLLCALL_JOIN", peer.gossipAddress());
        env.put("ROLLCALL_NODE", "boxed");
        // The image's RUN line makes the data directory and gives it to the USER the agent runs as.
        String[] user = ContainerImage.user();
        Path data = Path.of(env.get("ROLLCALL_DATA_DIR"));
        Files.createDirectories(data);
        Installed.run(List.of("chown", user[0] + ":" + user[1], data.toString()));
        Path workdir = Path.of(Installed.mapped(root, DeployFiles.containerfileArguments("WORKDIR").get(0)));
        Files.createDirectories(workdir);
        ContainerImage.openToOthers(data, dir);

        // setpriv execs the entrypoint, the launcher execs java: the JVM is PID 1, as the container's USER.
        List<String> command = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--mount-proc",
                "setpriv", "--reuid=" + user[0], "--regid=" + user[1], "--clear-groups", "--"));
        command.addAll(Installed.mapped(root, DeployFiles.containerEntrypoint()));
        Path log = dir.resolve("boxed.log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workdir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("PATH", Installed.pathWithJava());
        Process unshare = processes.own(pb.start());

        AgentProcess.await("peer sees the container's agent alive", 30_000,
                () -> "alive".equals(peer.statuses().get("boxed")), () -> peer.statuses() + " " + Installed.read(log));
        Optional<ProcessHandle> child = unshare.toHandle().children().findFirst();
        assertThat(child).as("unshare's child").isPresent();
        long pid1 = child.get().pid();
        processes.own(pid1);
        String status = Files.readString(Path.of("/proc", Long.toString(pid1), "status"), StandardCharsets.UTF_8);
        String nspid = status.lines().filter(l -> l.startsWith("NSpid:")).findFirst().orElseThrow();
        assertThat(nspid.split("\\s+")).as("the agent is PID 1 in its namespace: " + nspid).endsWith("1");
        assertThat(Files.readString(Path.of("/proc", Long.toString(pid1), "comm")).strip())
                .as("the launcher exec'd the JVM").isEqualTo("java");
        assertThat(status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow().split("\\s+")[1])
                .as("the container's USER").isEqualTo(user[0]);
        assertThat(data.resolve("identity.json")).content().contains("\"boxed\"");

        Installed.run(List.of("kill", "-TERM", Long.toString(pid1)));
        assertThat(unshare.waitFor(Agent.STOP_MAX_MILLIS, TimeUnit.MILLISECONDS)).as("PID 1 stopped on SIGTERM: " + Installed.read(log))
                .isTrue();
        assertThat(unshare.exitValue()).as(Installed.read(log)).isZero();
        assertThat(Installed.read(log)).contains("left the cluster");
        AgentProcess.await("peer sees the container's agent left", 10_000,
                () -> "left".equals(peer.statuses().get("boxed")), () -> String.valueOf(peer.statuses()));
    }
}
