package io.rollcall.agent;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import java.time.Duration;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** A real {@code rollcall agent} process from the packaged jar, on a loopback address. Killed by PID. */
final class AgentProcess implements AutoCloseable {
    static final Path JAR = Path.of(System.getProperty("rollcall.jar", "target/rollcall.jar"));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final String ip;
    final Path dataDir;
    final Path log;
    private final Process process;

    private AgentProcess(String name, String ip, Path dataDir, Path log, Process process) {
        this.name = name;
        this.ip = ip;
        this.dataDir = dataDir;
        this.log = log;
        this.process = process;
    }

    static List<String> java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Starts an agent named {@code name} on {@code ip}:7946 with its HTTP API on {@code ip}:7947. */
    static AgentProcess start(Path root, String name, String ip, List<String> extra) throws IOException {
        Path dataDir = root.resolve(name + "-data");
        return start(root, name, ip, dataDir, extra, true);
    }

    static AgentProcess start(Path root, String name, String ip, Path dataDir, List<String> extra, boolean withNodeFlag)
            throws IOException {
        return start(root, name, ip, dataDir, extra, withNodeFlag, false);
    }

    /**
     * Starts an agent exactly as {@code ./rollcall agent} does: through the launcher script, with its
     * JVM options (-Xmx64m and the rest) and its environment, running this build's jar.
     */
    static AgentProcess startWithLauncher(Path root, String name, String ip, List<String> extra) throws IOException {
        return start(root, name, ip, root.resolve(name + "-data"), extra, true, true);
    }

    private static AgentProcess start(Path root, String name, String ip, Path dataDir, List<String> extra,
                                      boolean withNodeFlag, boolean viaLauncher) throws IOException {
        List<String> args = new ArrayList<>(List.of("agent", "--bind", ip + ":7946", "--http", ip + ":7947",
                "--data-dir", dataDir.toString()));
        if (withNodeFlag) {
            args.addAll(List.of("--node", name));
        }
        args.addAll(extra);
        Path log = root.resolve(name + "-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>();
        if (viaLauncher) {
            // The launcher runs <its directory>/rollcall-agent/target/rollcall.jar and execs java, so
            // the process is the JVM itself.
            command.addAll(launcher(args));
        } else {
            command.addAll(java(args.toArray(new String[0])));
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("ROLLCALL_JAVA_OPTS");
        Process p = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        AgentProcess agent = new AgentProcess(name, ip, dataDir, log, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("agent " + name + " exited with " + p.exitValue() + ": " + agent.logText());
            }
            try {
                int status = agent.get("/v1/self").statusCode();
                if (status == 200 || status == 401) {
                    return agent;
                }
            } catch (IOException notYet) {
                // Still starting.
            }
            sleep(100);
        }
        agent.kill();
        throw new IOException("agent " + name + " did not start: " + agent.logText());
    }

    String url() {
        return "http://" + ip + ":7947";
    }

    String gossipAddress() {
        return ip + ":7946";
    }

    HttpResponse<String> get(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    /** @return the status of {@code GET url}, or -1 while nothing answers there */
    static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** @return member name to status as this agent's HTTP API reports it, or empty if unreachable */
    Map<String, String> statuses() {
        try {
            HttpResponse<String> r = get("/v1/members");
            Map<?, ?> body = (Map<?, ?>) Json.read(r.body());
            Map<String, String> out = new java.util.TreeMap<>();
            for (Object o : (List<?>) body.get("members")) {
                Map<?, ?> m = (Map<?, ?>) o;
                out.put(String.valueOf(m.get("name")), String.valueOf(m.get("status")));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }

    long pid() {
        return process.pid();
    }

    /** @return the process's resident set in KiB (VmRSS), or -1 once it has exited */
    long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    void signal(String sig) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start().waitFor();
    }

    int waitForExit(long millis) throws InterruptedException {
        if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
            return -1;
        }
        return process.exitValue();
    }

    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        kill();
    }

    /** Runs a short rollcall command and returns its exit status, stdout and stderr. */
    record Result(int status, String out, String err) {
    }

    static Result cli(Map<String, String> env, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(java(args));
        pb.environment().putAll(env);
        return finish(pb, args);
    }

    /**
     * Runs {@code ./rollcall ARGS} through the launcher script, with its JVM options (-Xmx64m) and
     * without the caller's ROLLCALL_JAVA_OPTS, to its end.
     */
    static Result cliWithLauncher(String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(launcher(List.of(args)));
        pb.environment().remove("ROLLCALL_JAVA_OPTS");
        return finish(pb, args);
    }

    /** {@code bash <checkout>/rollcall ARGS}: the launcher beside this build's jar. */
    private static List<String> launcher(List<String> args) {
        Path launcher = JAR.toAbsolutePath().getParent().getParent().getParent().resolve("rollcall");
        List<String> command = new ArrayList<>(List.of("bash", launcher.toString()));
        command.addAll(args);
        return command;
    }

    private static Result finish(ProcessBuilder pb, String... args) throws IOException, InterruptedException {
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("rollcall " + String.join(" ", args) + " did not finish");
        }
        return new Result(p.exitValue(), out, err);
    }

    /** Polls {@code condition} every 100 ms (Awaitility) for up to {@code millis}; a failure says what was last seen. */
    static void await(String what, long millis, BooleanSupplier condition, Supplier<String> seen) {
        try {
            Awaitility.await(what).atMost(Duration.ofMillis(millis)).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100)).until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("waited " + millis + " ms for " + what + "; saw " + seen.get(), e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
