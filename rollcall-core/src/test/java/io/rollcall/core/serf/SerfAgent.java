package io.rollcall.core.serf;

import io.rollcall.core.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A real {@code serf agent} process on a loopback address, for interoperability tests (public so that
 * tests in other packages, such as the encryption interop tests, can start agents too). The test
 * that starts one must {@link #kill()} it (by PID) when done.
 */
public final class SerfAgent implements AutoCloseable {
    /** Log lines that mean a peer's bytes confused serf. */
    public static final Pattern PROTOCOL_ERROR = Pattern.compile(
            "(?i)(failed to decode|not supported|unknown type|failed push/pull|remote state|incompatible|panic|"
            + "malformed|bad type prefix|failed to receive|checksum|invalid)");

    final String name;
    final String bindIp;
    final int port;
    final int rpcPort;
    final Path log;
    private final Process process;

    private SerfAgent(String name, String bindIp, int port, int rpcPort, Path log, Process process) {
        this.name = name;
        this.bindIp = bindIp;
        this.port = port;
        this.rpcPort = rpcPort;
        this.log = log;
        this.process = process;
    }

    /** @return true if the serf binary is on the PATH */
    public static boolean installed() {
        try {
            Process p = new ProcessBuilder("serf", "version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * @param ip a loopback address
     * @return a port free for TCP on it at this moment
     * @throws IOException if none can be bound
     */
    public static int freePort(String ip) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
            return s.getLocalPort();
        }
    }

    /**
     * Starts an agent and waits for its banner.
     *
     * @param dir   where its log goes
     * @param name  node name
     * @param ip    loopback address to bind
     * @param join  address to join at start, or null
     * @param tags  tags
     * @param extra further agent flags, such as {@code -encrypt=BASE64}
     * @return the running agent
     * @throws IOException if it exits or does not start within 10 s
     */
    public static SerfAgent start(Path dir, String name, String bindIp, String join, Map<String, String> tags, String... extra)
            throws IOException {
        int port = freePort(bindIp);
        int rpc = freePort(bindIp);
        List<String> cmd = new ArrayList<>(List.of("serf", "agent", "-node=" + name, "-bind=" + bindIp + ":" + port,
                "-rpc-addr=" + bindIp + ":" + rpc, "-log-level=debug", "-profile=lan"));
        if (join != null) {
            cmd.add("-join=" + join);
        }
        tags.forEach((k, v) -> {
            cmd.add("-tag");
            cmd.add(k + "=" + v);
        });
        cmd.addAll(List.of(extra));
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        SerfAgent agent = new SerfAgent(name, bindIp, port, rpc, log, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("serf agent " + name + " exited at start: " + agent.logText());
            }
            if (agent.logText().contains("Serf agent running")) {
                return agent;
            }
            sleep(50);
        }
        agent.kill();
        throw new IOException("serf agent " + name + " did not start: " + agent.logText());
    }

    /** @return the node name */
    public String name() {
        return name;
    }

    /** @return {@code ip:port} of its gossip port */
    public String address() {
        return bindIp + ":" + port;
    }

    /** @return its gossip address, as a seed for a core node's join */
    public Endpoint endpoint() {
        return Endpoint.parse(address(), 0);
    }

    /** @return its gossip address, as a seed for the public API's join */
    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(bindIp, port);
    }

    /** @return the process id */
    public long pid() {
        return process.pid();
    }

    /** @return true while the process runs */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return name → [status, tags] as {@code serf members} prints them */
    public Map<String, String[]> members() throws IOException {
        String out = run("serf", "members", "-rpc-addr=" + bindIp + ":" + rpcPort);
        Map<String, String[]> members = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3) {
                members.put(f[0], new String[] {f[2], f.length > 3 ? f[3] : ""});
            }
        }
        return members;
    }

    /**
     * @param member a node name
     * @return its status as {@code serf members} shows it, "absent", or "error: ..."
     */
    public String status(String member) {
        try {
            String[] m = members().get(member);
            return m == null ? "absent" : m[0];
        } catch (IOException e) {
            return "error: " + e.getMessage();
        }
    }

    /** Graceful: SIGINT makes serf leave, then exit. */
    public void interrupt() throws IOException {
        run("kill", "-INT", Long.toString(process.pid()));
    }

    /** Kills the process (SIGKILL, by PID) and waits for it. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @param millis the most to wait
     * @return true if the process exited
     * @throws InterruptedException if interrupted
     */
    public boolean waitForExit(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    /** @return everything the agent printed so far */
    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** @return log lines of warnings and errors that point at undecodable or rejected protocol input */
    public List<String> protocolErrors() {
        List<String> bad = new ArrayList<>();
        for (String line : logText().split("\n")) {
            if ((line.contains("[ERR]") || line.contains("[WARN]")) && PROTOCOL_ERROR.matcher(line).find()) {
                bad.add(line);
            }
        }
        return bad;
    }

    /**
     * Runs {@code serf join} against this agent.
     *
     * @param address the address to join
     * @return the CLI's output ("Successfully joined ..." or "Error joining ...")
     * @throws IOException if the CLI cannot run
     */
    /**
     * Runs {@code serf keys} against this agent.
     *
     * @param args for example {@code -install=KEY} or {@code -list}
     * @return the command's exit status followed by its output
     * @throws IOException if it cannot be run
     */
    public String keys(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", ""));
        StringBuilder line = new StringBuilder("serf keys -rpc-addr=" + bindIp + ":" + rpcPort);
        for (String a : args) {
            line.append(' ').append(a);
        }
        cmd.set(2, line + "; echo exit=$?");
        return run(cmd.toArray(new String[0]));
    }

    public String joinCommand(String address) throws IOException {
        return run("serf", "join", "-rpc-addr=" + bindIp + ":" + rpcPort, address);
    }

    @Override
    public void close() {
        kill();
    }

    private static String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " timed out");
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
