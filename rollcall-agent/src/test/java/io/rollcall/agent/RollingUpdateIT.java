package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A StatefulSet's rolling update, reproduced without Kubernetes (issue 17): N pods, each a network
 * namespace with its own address, all resolving the headless Service's name through dnsmasq. Each pod
 * runs exactly what deploy/kubernetes/statefulset.yaml says its container runs: the manifest's command
 * from the container image (laid out from the distribution archive), the manifest's environment
 * (downward-API fields, the Secret's keys, {@code $(VAR)} expansion) over the image's ENV, its volumes
 * (the data volume kept across restarts, a fresh {@code /tmp}), as the pod's {@code runAsUser}. Each pod
 * in turn gets SIGTERM and the manifest's grace period, its record is removed, and it is started again
 * with the same name and data volume at a new address, its record added, as the StatefulSet and
 * endpoints controllers do; the next pod waits until this one passes the manifest's readiness probe.
 *
 * <p>Checked: no member is ever seen {@code failed} (or suspected) during the roll, every departure is
 * seen {@code left}, every pod is alive again under its old name. Measured and printed (not asserted):
 * how long the leave took, and how long from the new process's start until every other pod saw it
 * alive at its new address, from the observers' own log lines. {@code -Drollcall.roll.pods=N} rolls a
 * larger set.
 */
class RollingUpdateIT {
    /** The Kubernetes namespace the pods pretend to run in (the downward API's metadata.namespace). */
    private static final String K8S_NAMESPACE = "lab";
    /** PodAgent reads the API with this token; here it is the Secret's http-token. */
    private static final String HTTP_TOKEN = "lab-token";
    @TempDir
    Path dir;
    private NetLab lab;
    private final List<PodAgent> running = new ArrayList<>();
    private Path image;
    private Map<String, String> secrets;

    @AfterEach
    void tearDown() {
        running.forEach(PodAgent::close);
        if (lab != null) {
            lab.close();
        }
    }

    /** Starts the StatefulSet's container for {@code pod} at {@code ip}, as the kubelet would (generation {@code gen}). */
    private PodAgent launchPod(String ns, String pod, String ip, int gen) throws IOException, InterruptedException {
        DeployFiles.PodRun run = DeployFiles.statefulSetPod(pod, K8S_NAMESPACE, ip, secrets);
        Path volumes = dir.resolve("volumes").resolve(pod);
        // The data volume is the pod's claim: the same one at every start. /tmp is an emptyDir: new each time.
        Map<String, Path> mounted = new LinkedHashMap<>();
        run.mounts().forEach((volume, mountPath) -> mounted.put(mountPath,
                volumes.resolve("data".equals(volume) ? volume : volume + "-" + gen)));
        String[] user = podUser();
        for (Path v : mounted.values()) {
            Files.createDirectories(v);
            Installed.run(List.of("chown", user[0] + ":" + user[1], v.toString()));
            ContainerImage.openToOthers(v, dir);
        }
        Map<String, String> env = new LinkedHashMap<>();
        DeployFiles.containerEnvironment().forEach((k, v) -> env.put(k, inPod(v, mounted)));
        // The manifest's values are not image paths (a Secret's base64 may begin with '/'): volumes only.
        run.environment().forEach((k, v) -> env.put(k, inVolume(v, mounted)));
        env.put("PATH", Installed.pathWithJava());
        List<String> argv = new ArrayList<>(List.of("env", "-i", "-C", inPod(DeployFiles.containerfileArguments("WORKDIR").get(0), mounted)));
        env.forEach((k, v) -> argv.add(k + "=" + v));
        argv.addAll(List.of("setpriv", "--reuid=" + user[0], "--regid=" + user[1], "--clear-groups", "--"));
        run.command().forEach(word -> argv.add(inPod(word, mounted)));
        return PodAgent.launchCommand(lab, ns, pod, ip, dir.resolve(pod + "-" + gen + ".log"), argv);
    }

    /** A path as the pod's process sees it: under a volume's mount, in that volume; else in the image. */
    private String inPod(String word, Map<String, Path> mounted) {
        String v = inVolume(word, mounted);
        return v.equals(word) ? Installed.mapped(image, word) : v;
    }

    /** @return {@code word} in its volume if it is a path under a volume's mount, else unchanged */
    private static String inVolume(String word, Map<String, Path> mounted) {
        for (Map.Entry<String, Path> m : mounted.entrySet()) {
            if (word.equals(m.getKey()) || word.startsWith(m.getKey() + "/")) {
                return m.getValue() + word.substring(m.getKey().length());
            }
        }
        return word;
    }

    /** @return the pod's securityContext runAsUser and runAsGroup */
    private static String[] podUser() {
        Map<String, Object> sc = DeployFiles.map(DeployFiles.podSpec(DeployFiles.object("statefulset.yaml", "StatefulSet")).get("securityContext"));
        return new String[] {String.valueOf(sc.get("runAsUser")), String.valueOf(sc.get("runAsGroup"))};
    }

    /** @return the readiness probe's path, which the controller waits on before it rolls the next pod */
    private static String readinessPath() {
        Map<String, Object> c = DeployFiles.agentContainer(DeployFiles.object("statefulset.yaml", "StatefulSet"));
        return String.valueOf(DeployFiles.at(c, "readinessProbe", "httpGet", "path"));
    }

    @Test
    void everyPodRestartsAtANewAddressUnderItsOldNameWithNoFailure() throws Exception {
        assumeTrue(NetLab.available(), "needs root, iproute2 and dnsmasq");
        assumeTrue(Installed.has("setpriv"), "needs setpriv to run the pods as the manifest's user");
        int n = Integer.getInteger("rollcall.roll.pods", 3);
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        secrets = Map.of("gossip-key", java.util.Base64.getEncoder().encodeToString(key), "http-token", HTTP_TOKEN);
        image = ContainerImage.layOut(dir);
        String statefulSet = String.valueOf(DeployFiles.at(DeployFiles.object("statefulset.yaml", "StatefulSet"), "metadata", "name"));
        String service = String.valueOf(DeployFiles.at(DeployFiles.object("statefulset.yaml", "Service"), "metadata", "name"));
        // The headless Service's name, as the pods' environment spells it (ROLLCALL_RETRY_JOIN).
        String serviceName = service + "." + K8S_NAMESPACE + ".svc." + NetLab.CLUSTER_DOMAIN;
        lab = new NetLab(dir);
        lab.startDns();
        List<String> names = new ArrayList<>();
        List<String> namespaces = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        List<PodAgent> pods = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(statefulSet + "-" + i);
            ips.add("10.77.0." + (10 + i));
            namespaces.add(lab.pod("p" + i, ips.get(i)));
        }
        lab.setHostRecords(serviceName, ips);
        for (int i = 0; i < n; i++) {
            PodAgent p = launchPod(namespaces.get(i), names.get(i), ips.get(i), 0);
            running.add(p);
            pods.add(p);
        }
        String[] user = podUser();
        for (PodAgent p : pods) {
            p.awaitStarted();
            String status = Files.readString(Path.of("/proc", Long.toString(p.process.pid()), "status"));
            assertThat(status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow().split("\\s+")[1])
                    .as(p.name + " runs as the manifest's runAsUser").isEqualTo(user[0]);
            Path data = dir.resolve("volumes").resolve(p.name).resolve("data");
            assertThat(data.resolve("identity.json")).as("the data volume holds the identity").content().contains('"' + p.name + '"');
            assertThat(data.resolve("keyring.json")).as("the Secret's key went to the keyring file").exists();
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
            // The kubelet: SIGTERM, then the grace period, then SIGKILL; the agent must be gone before.
            long grace = DeployFiles.statefulSetPod(names.get(i), K8S_NAMESPACE, ips.get(i), secrets).terminationGraceSeconds();
            long t0 = System.nanoTime();
            old.process.destroy();
            assertThat(old.process.waitFor(grace, TimeUnit.SECONDS)).as(old.name + " stopped within the grace period: " + old.logText())
                    .isTrue();
            long leaveMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(old.process.exitValue()).as(old.logText()).isZero();
            // The endpoints controller drops the old address, the pod is rescheduled with a new one.
            List<String> records = new ArrayList<>(ips);
            records.remove(ips.get(i));
            lab.setHostRecords(serviceName, records);
            String newIp = "10.77.0." + (100 + i);
            lab.readdress(namespaces.get(i), newIp);
            ips.set(i, newIp);
            lab.setHostRecords(serviceName, ips);
            long started = System.nanoTime();
            long startedWall = System.currentTimeMillis();
            PodAgent fresh = launchPod(namespaces.get(i), names.get(i), newIp, 1);
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
            // The controller rolls the next pod only once this one is Ready.
            AgentProcess.await(fresh.name + " passes the readiness probe", 30_000, () -> fresh.api(readinessPath()) != null, fresh::logText);
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
