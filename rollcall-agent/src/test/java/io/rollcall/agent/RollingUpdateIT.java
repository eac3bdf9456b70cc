package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A StatefulSet's rolling update, reproduced without Kubernetes (issue 17): N pods, each a network
 * namespace with its own address, all resolving a headless-Service-like name through dnsmasq, each
 * running the agent from its environment alone, as the container does. Each pod in turn is sent
 * SIGTERM, its record removed, and it is started again with the same name and data directory at a
 * new address, its record added, as the StatefulSet controller and the endpoints controller do.
 *
 * <p>Checked: no member is ever seen {@code failed} during the roll, every departure is seen
 * {@code left}, every pod is alive again under its old name. Measured and printed (not asserted): how
 * long the leave took, and how long from the new process's start until every other pod saw it
 * alive at its new address, from the observers' own log lines. {@code -Drollcall.roll.pods=N} rolls a larger set.
 */
class RollingUpdateIT {
    private static final String SERVICE = "rollcall";
    @TempDir
    Path dir;
    private NetLab lab;
    private final List<PodAgent> running = new ArrayList<>();

    @AfterEach
    void tearDown() {
        running.forEach(PodAgent::close);
        if (lab != null) {
            lab.close();
        }
    }

    /** The container's environment: what a StatefulSet sets (the pod's name and IP from the downward API). */
    private static Map<String, String> environment(String pod, String ip, Path dataDir) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ROLLCALL_NODE", pod);
        env.put("ROLLCALL_BIND", "0.0.0.0:7946");
        env.put("ROLLCALL_ADVERTISE", ip + ":7946");
        env.put("ROLLCALL_HTTP", "0.0.0.0:7947");
        env.put("ROLLCALL_HTTP_TOKEN", "lab-token");
        env.put("ROLLCALL_DATA_DIR", dataDir.toString());
        env.put("ROLLCALL_RETRY_JOIN", "dns+" + SERVICE + "." + NetLab.DOMAIN + ":7946");
        return env;
    }

    @Test
    void everyPodRestartsAtANewAddressUnderItsOldNameWithNoFailure() throws Exception {
        assumeTrue(NetLab.available(), "needs root, iproute2 and dnsmasq");
        int n = Integer.getInteger("rollcall.roll.pods", 3);
        lab = new NetLab(dir);
        lab.startDns();
        List<String> names = new ArrayList<>();
        List<String> namespaces = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        List<PodAgent> pods = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(SERVICE + "-" + i);
            ips.add("10.77.0." + (10 + i));
            namespaces.add(lab.pod("p" + i, ips.get(i)));
        }
        lab.setRecords(SERVICE, ips);
        for (int i = 0; i < n; i++) {
            PodAgent p = PodAgent.launchWithEnvironment(lab, namespaces.get(i), names.get(i), ips.get(i),
                    dir.resolve(names.get(i) + "-0.log"), environment(names.get(i), ips.get(i), dir.resolve(names.get(i) + "-data")));
            running.add(p);
            pods.add(p);
        }
        for (PodAgent p : pods) {
            p.awaitStarted();
        }
        for (PodAgent p : pods) {
            for (int j = 0; j < n; j++) {
                awaitSeen(p, names.get(j), ips.get(j), 60_000);
            }
        }

        List<String> figures = new ArrayList<>();
        Map<String, List<PodAgent>> observersOfDeparture = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            PodAgent old = pods.get(i);
            List<PodAgent> observers = new ArrayList<>(pods);
            observers.remove(old);
            observersOfDeparture.put(names.get(i), observers);
            long t0 = System.nanoTime();
            old.terminate();
            long leaveMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(old.process.exitValue()).as(old.logText()).isZero();
            // The endpoints controller drops the old address, the pod is rescheduled with a new one.
            List<String> records = new ArrayList<>(ips);
            records.remove(ips.get(i));
            lab.setRecords(SERVICE, records);
            String newIp = "10.77.0." + (100 + i);
            lab.readdress(namespaces.get(i), newIp);
            ips.set(i, newIp);
            lab.setRecords(SERVICE, ips);
            long started = System.nanoTime();
            long startedWall = System.currentTimeMillis();
            PodAgent fresh = PodAgent.launchWithEnvironment(lab, namespaces.get(i), names.get(i), newIp,
                    dir.resolve(names.get(i) + "-1.log"), environment(names.get(i), newIp, dir.resolve(names.get(i) + "-data")));
            running.add(fresh);
            pods.set(i, fresh);
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    awaitSeen(pods.get(j), names.get(i), newIp, 60_000);
                }
            }
            // Timed from the observers' own log lines (one clock, milliseconds), not from our polling,
            // which spawns a process per look and would add its own seconds under load.
            long seenByAll = 0;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    seenByAll = Math.max(seenByAll, loggedAt(pods.get(j), "member joined: " + names.get(i) + " " + newIp + ":7946") - startedWall);
                }
            }
            fresh.awaitStarted();
            long listening = listeningAt(fresh) - startedWall;
            figures.add(names.get(i) + ": leave " + leaveMillis + " ms; process start to listening " + listening
                    + " ms (JVM start); alive again at " + newIp + " for every other pod " + seenByAll
                    + " ms after the process started (" + (seenByAll - listening) + " ms after it listened), by their logs");
        }
        System.out.println("rolling update of " + n + " pods:\n  " + String.join("\n  ", figures));

        for (PodAgent p : running) {
            String log = p.logText();
            assertThat(log).as(p.name + " saw no failure during the roll").doesNotContain("member failed").doesNotContain("member suspected");
        }
        observersOfDeparture.forEach((departed, observers) -> {
            for (PodAgent p : observers) {
                assertThat(p.logText()).as(p.name + " saw " + departed + " leave").contains("member left: " + departed + " ");
            }
        });
        for (PodAgent p : pods) {
            for (int j = 0; j < n; j++) {
                awaitSeen(p, names.get(j), ips.get(j), 30_000);
            }
        }
    }

    /** @return the epoch milliseconds of the agent's "listening on" log line */
    private static long listeningAt(PodAgent agent) {
        return loggedAt(agent, " listening on ");
    }

    /** @return the epoch milliseconds of the agent's first log line containing {@code text}, or 0 */
    private static long loggedAt(PodAgent agent, String text) {
        for (String line : agent.logText().split("\n")) {
            if (line.contains(text)) {
                return java.time.Instant.parse(line.substring(0, line.indexOf(' '))).toEpochMilli();
            }
        }
        return 0;
    }

    private static void awaitSeen(PodAgent observer, String member, String ip, long millis) {
        AgentProcess.await(observer.name + " sees " + member + " alive at " + ip, millis,
                () -> ("alive@" + ip + ":7946").equals(observer.members().get(member)),
                () -> observer.members() + "\n" + observer.logText());
    }
}
