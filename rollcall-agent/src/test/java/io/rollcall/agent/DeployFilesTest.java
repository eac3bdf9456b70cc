package io.rollcall.agent;

import static io.rollcall.agent.DeployFiles.at;
import static io.rollcall.agent.DeployFiles.list;
import static io.rollcall.agent.DeployFiles.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holds every file in deploy/ against the code: each flag, environment variable, port and endpoint
 * that the Kubernetes manifests, the container file, the systemd unit and the sample configuration
 * name must exist in the agent, with a value it accepts, so that none of them can drift.
 */
class DeployFilesTest {
    /** What the kubelet fills in for field references, made up but well-formed. */
    static final Map<String, String> FIELDS = Map.of("metadata.name", "rollcall-1", "metadata.namespace", "prod",
            "status.podIP", "10.1.2.3", "status.hostIP", "10.9.0.4", "spec.nodeName", "node-a");
    /** The Secret's keys (docs/DEPLOY.md says how to make it), with valid values. */
    static final Map<String, String> SECRETS = Map.of("gossip-key", "cZx2lMI0WwbQ8Y/a8G5EFHkA8Wu8yp2rSbsdmUmTzqY=",
            "http-token", "t0ken");
    private static final Set<String> LAUNCHER_VARIABLES = Set.of("ROLLCALL_JAVA_OPTS");
    private static final Pattern DNS_SEED = Pattern.compile("dns\\+([^:]+):(\\d+)");

    @TempDir
    Path dir;

    private static List<Map<String, Object>> workloads() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Path file : DeployFiles.manifestFiles()) {
            for (Map<String, Object> o : DeployFiles.objects(file)) {
                if (List.of("StatefulSet", "DaemonSet", "Deployment").contains(o.get("kind"))) {
                    out.add(o);
                }
            }
        }
        return out;
    }

    private static String name(Map<String, Object> o) {
        return o.get("kind") + "/" + at(o, "metadata", "name");
    }

    /** Each ROLLCALL_ variable is a flag the agent knows, and the agent accepts its value. */
    private static void assertAgentVariable(String where, String variable, String value) {
        if (LAUNCHER_VARIABLES.contains(variable)) {
            assertThat(DeployFiles.DIR.resolveSibling("rollcall")).content().contains(variable);
            return;
        }
        String flag = variable.substring("ROLLCALL_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
        assertThat(AgentSettings.envName(flag)).isEqualTo(variable);
        assertThatCode(() -> AgentSettings.parse(List.of("--" + flag, value), Map.of()))
                .as(where + ": " + variable + "=" + value).doesNotThrowAnyException();
    }

    /** The port of an address the agent accepted (parse checked it): after the last colon. */
    private static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    private static String host(String hostPort) {
        return hostPort.substring(0, hostPort.lastIndexOf(':'));
    }

    private static Map<String, Integer> containerPorts(Map<String, Object> container, Set<String> protocols) {
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        for (Object o : list(container.get("ports"))) {
            Map<String, Object> p = map(o);
            String protocol = String.valueOf(p.getOrDefault("protocol", "TCP"));
            protocols.add(p.get("containerPort") + "/" + protocol.toLowerCase(Locale.ROOT));
            out.put(String.valueOf(p.get("name")), (Integer) p.get("containerPort"));
        }
        return out;
    }

    @Test
    void everyWorkloadRunsTheAgentWithFlagsVariablesPortsAndProbesThatExist() {
        List<Map<String, Object>> workloads = workloads();
        assertThat(workloads).extracting(DeployFilesTest::name)
                .contains("StatefulSet/rollcall", "DaemonSet/rollcall-node");
        for (Map<String, Object> w : workloads) {
            String where = name(w);
            Map<String, Object> c = DeployFiles.agentContainer(w);
            List<String> command = list(c.get("command")).stream().map(String::valueOf).toList();
            assertThat(command).as(where + " runs the container file's entrypoint").isEqualTo(DeployFiles.containerEntrypoint());
            assertThat(c.get("args")).as(where + ": settings are in env, where tests and operators read them").isNull();
            Map<String, String> env = DeployFiles.environment(c, FIELDS, SECRETS);
            Set<String> referenced = new LinkedHashSet<>();
            for (Object o : list(c.get("env"))) {
                Object value = map(o).get("value");
                Matcher m = Pattern.compile("\\$\\(([A-Za-z_0-9]+)\\)").matcher(value == null ? "" : String.valueOf(value));
                while (m.find()) {
                    referenced.add(m.group(1));
                }
            }
            env.forEach((k, v) -> {
                if (k.startsWith("ROLLCALL_")) {
                    assertAgentVariable(where, k, v);
                } else {
                    assertThat(referenced).as(where + ": " + k + " is set for a $(" + k + ") reference").contains(k);
                }
            });
            assertThat(env.values()).as(where + ": every $(VAR) refers to a variable defined before it")
                    .noneMatch(v -> v.contains("$("));

            AgentSettings s = AgentSettings.parse(command.subList(2, command.size()), env);
            Set<String> protocols = new LinkedHashSet<>();
            Map<String, Integer> ports = containerPorts(c, protocols);
            int gossip = port(s.bind());
            int http = port(s.http());
            assertThat(protocols).as(where + " ports").contains(gossip + "/tcp", gossip + "/udp", http + "/tcp");
            if (s.advertise() != null) {
                assertThat(port(s.advertise())).isEqualTo(gossip);
            }
            assertThat(s.httpToken()).as(where + ": the API listens off loopback, so it needs the token").isNotNull();

            Map<String, String> probePaths = Map.of("startupProbe", HttpApi.LIVE_PATH, "livenessProbe", HttpApi.LIVE_PATH,
                    "readinessProbe", HttpApi.READY_PATH);
            probePaths.forEach((probe, path) -> {
                assertThat(at(c, probe, "httpGet", "path")).as(where + " " + probe).isEqualTo(path);
                Object port = at(c, probe, "httpGet", "port");
                Integer number = port instanceof Integer i ? i : ports.get(String.valueOf(port));
                assertThat(number).as(where + " " + probe + " port").isEqualTo(http);
            });
            Object grace = DeployFiles.podSpec(w).get("terminationGracePeriodSeconds");
            assertThat(((Integer) grace) * 1000L).as(where + ": grace period against the longest stop")
                    .isGreaterThan(Agent.STOP_MAX_MILLIS);
            Object nonRoot = at(c, "securityContext", "runAsNonRoot");
            if (nonRoot == null) {
                nonRoot = at(DeployFiles.podSpec(w), "securityContext", "runAsNonRoot");
            }
            assertThat(nonRoot).as(where + " runs as non-root").isEqualTo(true);
            assertThat(s.retryJoin()).as(where + " discovers its peers").isNotEmpty();
        }
    }

    @Test
    void theStatefulSetJoinsThroughItsHeadlessServiceAndItsFirstPodMayStartAlone() {
        Map<String, Object> sts = DeployFiles.object("statefulset.yaml", "StatefulSet");
        Map<String, Object> svc = DeployFiles.object("statefulset.yaml", "Service");
        Map<String, Object> pdb = DeployFiles.object("statefulset.yaml", "PodDisruptionBudget");
        Map<String, Object> c = DeployFiles.agentContainer(sts);
        AgentSettings s = AgentSettings.parse(List.of(), DeployFiles.environment(c, FIELDS, SECRETS));
        String serviceName = String.valueOf(at(svc, "metadata", "name"));
        assertThat(at(sts, "spec", "serviceName")).isEqualTo(serviceName);
        assertThat(at(svc, "spec", "clusterIP")).isEqualTo("None");
        assertThat(at(svc, "spec", "publishNotReadyAddresses")).isEqualTo(true);
        Map<String, Object> podLabels = map(at(sts, "spec", "template", "metadata", "labels"));
        assertThat(podLabels).containsAllEntriesOf(map(at(svc, "spec", "selector")));
        assertThat(podLabels).containsAllEntriesOf(map(at(pdb, "spec", "selector", "matchLabels")));
        assertThat(at(pdb, "spec", "maxUnavailable")).isEqualTo(1);
        assertSeedsAreTheService(s.retryJoin(), svc);
        // The SRV form docs/DEPLOY.md gives: the Service's TCP gossip port is named "gossip".
        assertThat(list(at(svc, "spec", "ports"))).extracting(p -> map(p).get("name") + "/" + map(p).get("protocol"))
                .contains("gossip/TCP");
        assertThat(DeployFiles.DIR.resolveSibling("docs").resolve("DEPLOY.md")).content()
                .contains("dnssrv+_gossip._tcp." + serviceName + ".NAMESPACE.svc.cluster.local");
        assertThat(s.node()).isEqualTo(FIELDS.get("metadata.name"));
        assertThat(s.bootstrapNode()).as("the StatefulSet's first pod").isEqualTo(at(sts, "metadata", "name") + "-0");
        assertThat(s.dataDir().toString()).isEqualTo(mountPath(c, "data"));
        assertThat(s.keyringFile().getParent().toString()).as("the keyring survives restarts").isEqualTo(mountPath(c, "data"));
        DeployFiles.PodRun pod = DeployFiles.statefulSetPod("rollcall-2", "prod", "10.1.2.9", SECRETS);
        assertThat(pod.command()).isEqualTo(DeployFiles.containerEntrypoint());
        assertThat(pod.environment()).containsEntry("ROLLCALL_NODE", "rollcall-2")
                .containsEntry("ROLLCALL_ADVERTISE", "10.1.2.9:7946")
                .containsEntry("ROLLCALL_RETRY_JOIN", "dns+rollcall-headless.prod.svc.cluster.local:7946");
        assertThat(list(at(sts, "spec", "volumeClaimTemplates"))).extracting(v -> at(map(v), "metadata", "name"))
                .contains("data");
    }

    @Test
    void theDaemonSetRunsOneAgentPerNodeOnHostPorts() {
        Map<String, Object> ds = DeployFiles.object("daemonset.yaml", "DaemonSet");
        Map<String, Object> svc = DeployFiles.object("daemonset.yaml", "Service");
        Map<String, Object> c = DeployFiles.agentContainer(ds);
        AgentSettings s = AgentSettings.parse(List.of(), DeployFiles.environment(c, FIELDS, SECRETS));
        assertThat(s.node()).isEqualTo(FIELDS.get("spec.nodeName"));
        assertThat(host(s.bind())).isEqualTo(FIELDS.get("status.hostIP"));
        for (Object o : list(c.get("ports"))) {
            Map<String, Object> p = map(o);
            assertThat(p.get("hostPort")).as("host port of " + p.get("name")).isEqualTo(p.get("containerPort"));
        }
        assertThat(at(svc, "spec", "clusterIP")).isEqualTo("None");
        assertThat(map(at(ds, "spec", "template", "metadata", "labels"))).containsAllEntriesOf(map(at(svc, "spec", "selector")));
        assertSeedsAreTheService(s.retryJoin(), svc);
        assertThat(s.dataDir().toString()).isEqualTo(mountPath(c, "data"));
    }

    private static String mountPath(Map<String, Object> container, String volume) {
        return list(container.get("volumeMounts")).stream().map(DeployFiles::map).filter(m -> volume.equals(m.get("name")))
                .map(m -> String.valueOf(m.get("mountPath"))).findFirst().orElseThrow();
    }

    /** Every dns+ seed names this Service in the pod's namespace, at a port it serves on TCP and UDP. */
    private static void assertSeedsAreTheService(List<String> seeds, Map<String, Object> svc) {
        String expected = at(svc, "metadata", "name") + "." + FIELDS.get("metadata.namespace") + ".svc.cluster.local";
        assertThat(seeds).isNotEmpty();
        for (String seed : seeds) {
            Matcher m = DNS_SEED.matcher(seed);
            assertThat(m.matches()).as(seed + " is a dns+NAME:PORT seed").isTrue();
            assertThat(m.group(1)).isEqualTo(expected);
            int port = Integer.parseInt(m.group(2));
            Set<String> served = new LinkedHashSet<>();
            for (Object o : list(at(svc, "spec", "ports"))) {
                served.add(map(o).get("port") + "/" + map(o).get("protocol"));
            }
            assertThat(served).contains(port + "/TCP", port + "/UDP");
        }
    }

    @Test
    void theSecretKeysTheManifestsReadAreTheOnesTheDocsTellOperatorsToCreate() throws IOException {
        String deployDoc = Files.readString(DeployFiles.DIR.resolveSibling("docs").resolve("DEPLOY.md"), StandardCharsets.UTF_8);
        for (Map<String, Object> w : workloads()) {
            for (Object o : list(DeployFiles.agentContainer(w).get("env"))) {
                Object ref = at(map(o), "valueFrom", "secretKeyRef");
                if (ref != null) {
                    assertThat(map(ref).get("name")).isEqualTo("rollcall");
                    assertThat(deployDoc).contains("--from-literal=" + map(ref).get("key") + "=");
                    assertThat(SECRETS).containsKey(String.valueOf(map(ref).get("key")));
                }
            }
        }
    }

    @Test
    void theContainerFileSetsOnlyAgentVariablesAndExposesTheirPortsAsANonRootUser() {
        Map<String, String> env = DeployFiles.containerEnvironment();
        env.forEach((k, v) -> {
            assertThat(k).startsWith("ROLLCALL_");
            assertAgentVariable("Containerfile", k, v);
        });
        AgentSettings s = AgentSettings.parse(List.of(), env);
        List<String> exposed = DeployFiles.containerfileArguments("EXPOSE").stream()
                .flatMap(a -> List.of(a.split("\\s+")).stream()).toList();
        assertThat(exposed).contains(port(s.bind()) + "/tcp", port(s.bind()) + "/udp", port(s.http()) + "/tcp");
        List<String> users = DeployFiles.containerfileArguments("USER");
        assertThat(users).hasSize(1);
        assertThat(users.get(0).split(":")[0]).isNotIn("0", "root");
        List<String> entrypoint = DeployFiles.containerEntrypoint();
        assertThat(entrypoint.get(1)).isEqualTo("agent");
        assertThat(DeployFiles.containerfileArguments("COPY")).as("the entrypoint is the launcher, copied there")
                .contains("rollcall " + entrypoint.get(0));
        assertThat(DeployFiles.containerfileArguments("VOLUME")).containsExactly(s.dataDir().toString());
    }

    @Test
    void theUnitStartsTheAgentWithTheSampleConfigurationAndStopsItByAGracefulLeave() throws IOException {
        var unit = DeployFiles.unit();
        assertThat(DeployFiles.one(unit, "Service", "ExecStart")).as("no quoting: tests split it on spaces")
                .doesNotContain("\"", "'");
        List<String> exec = DeployFiles.execStart(unit);
        assertThat(exec.subList(0, 2)).containsExactly("/usr/bin/rollcall", "agent");
        List<String> args = new ArrayList<>(exec.subList(2, exec.size()));
        int config = args.indexOf("--config");
        assertThat(args.get(config + 1)).isEqualTo("/etc/rollcall/rollcall.yaml");
        args.set(config + 1, DeployFiles.DIR.resolve("rollcall.yaml").toString());
        Map<String, String> env = DeployFiles.unitEnvironment(unit);
        env.forEach((k, v) -> assertAgentVariable("rollcall.service", k, v));
        AgentSettings s = AgentSettings.parse(args, env);
        assertThat(s.dataDir().toString()).isEqualTo("/var/lib/" + DeployFiles.one(unit, "Service", "StateDirectory"));
        assertThat(DeployFiles.one(unit, "Service", "WorkingDirectory")).isEqualTo(s.dataDir().toString());
        assertThat(DeployFiles.one(unit, "Service", "User")).isEqualTo("rollcall");
        assertThat(DeployFiles.one(unit, "Service", "Restart")).isEqualTo("always");
        assertThat(DeployFiles.one(unit, "Service", "KillSignal")).isEqualTo("SIGTERM");
        assertThat(Long.parseLong(DeployFiles.one(unit, "Service", "TimeoutStopSec")) * 1000)
                .isGreaterThan(Agent.STOP_MAX_MILLIS);
        assertThat(Long.parseLong(DeployFiles.one(unit, "Service", "LimitNOFILE"))).isGreaterThanOrEqualTo(4096);
        assertThat(DeployFiles.one(unit, "Service", "RestartPreventExitStatus").split(" "))
                .containsExactlyInAnyOrder(String.valueOf(ExitCode.USAGE.status), String.valueOf(ExitCode.DATA_DIR.status));
        assertThat(DeployFiles.one(unit, "Install", "WantedBy")).isEqualTo("multi-user.target");
        assertThat(port(s.http())).isEqualTo(port(AgentSettings.DEFAULT_HTTP));
    }

    /** Every key the sample configuration names, set or commented out, is one the agent reads. */
    @Test
    void everyKeyOfTheSampleConfigurationIsASetting() throws IOException {
        Matcher m = Pattern.compile("(?m)^#? ?([a-z_]+):").matcher(DeployFiles.read("rollcall.yaml"));
        Set<String> keys = new LinkedHashSet<>();
        while (m.find()) {
            keys.add(m.group(1));
        }
        assertThat(keys).contains("data_dir", "bind", "retry_join", "bootstrap_node", "http", "encrypt", "keyring_file");
        for (String key : keys) {
            Path file = dir.resolve(key + ".yaml");
            Files.writeString(file, key + ":\n");
            assertThatCode(() -> AgentSettings.parse(List.of("--config", file.toString()), Map.of()))
                    .as("config key " + key).doesNotThrowAnyException();
        }
        Path bogus = dir.resolve("bogus.yaml");
        Files.writeString(bogus, "no_such_setting:\n");
        assertThatCode(() -> AgentSettings.parse(List.of("--config", bogus.toString()), Map.of()))
                .as("the check can fail").isInstanceOf(AgentSettings.UsageException.class);
    }
}
