package io.rollcall.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** A real {@code rollcall agent} process inside one of a {@link NetLab}'s pods. */
final class PodAgent implements AutoCloseable {
    final NetLab lab;
    final String ns;
    final String name;
    final String ip;
    final Path log;
    final Process process;

    private PodAgent(NetLab lab, String ns, String name, String ip, Path log, Process process) {
        this.lab = lab;
        this.ns = ns;
        this.name = name;
        this.ip = ip;
        this.log = log;
        this.process = process;
    }

    /** Starts the agent; does not wait for it (it may be meant to fail). */
    static PodAgent launch(NetLab lab, String ns, String name, String ip, Path dataDir, Path log, List<String> extra) throws IOException {
        List<String> cmd = new ArrayList<>(AgentProcess.java("agent", "--node", name, "--bind", ip + ":7946", "--http", ip + ":7947",
                "--http-token", "lab-token", "--data-dir", dataDir.toString(), "--profile", "local"));
        cmd.addAll(extra);
        return new PodAgent(lab, ns, name, ip, log, lab.start(ns, log, cmd.toArray(new String[0])));
    }

    /** Starts {@code argv} in the pod as the agent (the caller's command line, as a kubelet's); does not wait for it. */
    static PodAgent launchCommand(NetLab lab, String ns, String name, String ip, Path log, List<String> argv) throws IOException {
        return new PodAgent(lab, ns, name, ip, log, lab.start(ns, log, argv.toArray(new String[0])));
    }

    /** Waits until the agent's HTTP API answers. */
    PodAgent awaitStarted() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("agent " + name + " exited with " + process.exitValue() + ": " + logText());
            }
            if (api("/v1/self") != null) {
                return this;
            }
            AgentProcess.sleep(100);
        }
        throw new IOException("agent " + name + " did not start: " + logText());
    }

    /** Starts the agent and waits until its HTTP API answers. */
    static PodAgent start(NetLab lab, String ns, String name, String ip, Path dataDir, Path log, List<String> extra) throws IOException {
        return launch(lab, ns, name, ip, dataDir, log, extra).awaitStarted();
    }

    /** @return the body of an authorised GET on the agent's HTTP API, or null */
    String api(String path) {
        return lab.httpGet(ns, "http://" + ip + ":7947" + path, "lab-token");
    }

    /** @return member name to "status@address" as this agent sees them; empty if it does not answer */
    Map<String, String> members() {
        String body = api("/v1/members");
        Map<String, String> out = new TreeMap<>();
        if (body == null) {
            return out;
        }
        Object parsed = Json.read(body);
        for (Object o : (List<?>) ((Map<?, ?>) parsed).get("members")) {
            Map<?, ?> m = (Map<?, ?>) o;
            out.put(String.valueOf(m.get("name")), m.get("status") + "@" + m.get("address"));
        }
        return out;
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    void terminate() throws InterruptedException {
        NetLab.stop(process);
    }

    int waitForExit(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
