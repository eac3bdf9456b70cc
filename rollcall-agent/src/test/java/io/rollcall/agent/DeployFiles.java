package io.rollcall.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads what operators deploy ({@code deploy/}): the Kubernetes manifests, the container file and the
 * systemd unit, so that tests run the agent exactly as those files say and hold them against the code.
 */
final class DeployFiles {
    static final Path DIR = Path.of(System.getProperty("rollcall.deploy", "../deploy"));
    private static final Pattern K8S_REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    private DeployFiles() {
    }

    static String read(String relative) {
        try {
            return Files.readString(DIR.resolve(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return every manifest file under deploy/kubernetes */
    static List<Path> manifestFiles() {
        try (Stream<Path> s = Files.list(DIR.resolve("kubernetes"))) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return every object in the file, as maps */
    static List<Map<String, Object>> objects(Path manifest) {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        List<Map<String, Object>> out = new ArrayList<>();
        try {
            for (Object o : yaml.loadAll(Files.readString(manifest, StandardCharsets.UTF_8))) {
                if (o != null) {
                    out.add(map(o));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** @return the one object of this kind in the file */
    static Map<String, Object> object(String file, String kind) {
        return objects(DIR.resolve("kubernetes").resolve(file)).stream().filter(o -> kind.equals(o.get("kind")))
                .findFirst().orElseThrow(() -> new AssertionError(file + " has no " + kind));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        if (!(o instanceof Map<?, ?>)) {
            throw new AssertionError("expected a map, got " + o);
        }
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        if (o == null) {
            return List.of();
        }
        if (!(o instanceof List<?>)) {
            throw new AssertionError("expected a list, got " + o);
        }
        return (List<Object>) o;
    }

    /** Follows keys through nested maps; null where one is missing. */
    static Object at(Map<String, Object> root, String... keys) {
        Object o = root;
        for (String k : keys) {
            if (!(o instanceof Map<?, ?> m)) {
                return null;
            }
            o = m.get(k);
        }
        return o;
    }

    static Map<String, Object> podSpec(Map<String, Object> workload) {
        return map(at(workload, "spec", "template", "spec"));
    }

    /** @return the container whose command runs the agent */
    static Map<String, Object> agentContainer(Map<String, Object> workload) {
        for (Object c : list(podSpec(workload).get("containers"))) {
            List<Object> command = list(map(c).get("command"));
            if (command.size() >= 2 && "agent".equals(command.get(1))) {
                return map(c);
            }
        }
        throw new AssertionError("no container runs 'rollcall agent' in " + at(workload, "metadata", "name"));
    }

    /**
     * The container's environment as the kubelet makes it: {@code $(VAR)} expands to a variable
     * defined earlier in the list, a field reference takes its value from {@code fields} (e.g.
     * {@code status.podIP}), and a Secret reference from {@code secrets} (by key).
     */
    static Map<String, String> environment(Map<String, Object> container, Map<String, String> fields,
                                           Map<String, String> secrets) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Object o : list(container.get("env"))) {
            Map<String, Object> e = map(o);
            String name = String.valueOf(e.get("name"));
            String value;
            if (e.get("value") != null) {
                value = expand(String.valueOf(e.get("value")), env);
            } else if (at(e, "valueFrom", "fieldRef", "fieldPath") instanceof String path) {
                value = fields.get(path);
                if (value == null) {
                    throw new AssertionError(name + " refers to field " + path + ", which the test does not know");
                }
            } else if (at(e, "valueFrom", "secretKeyRef", "key") instanceof String key) {
                value = secrets.get(key);
                if (value == null) {
                    throw new AssertionError(name + " refers to Secret key " + key + ", which the test does not know");
                }
            } else {
                throw new AssertionError("env " + name + " has neither a value nor a known valueFrom");
            }
            env.put(name, value);
        }
        return env;
    }

    /**
     * What a pod's agent container runs: the command and the environment the kubelet gives it, where
     * its volumes are mounted (volume name to mount path), and how long the kubelet waits after
     * SIGTERM before it kills the container.
     */
    record PodRun(List<String> command, Map<String, String> environment, Map<String, String> mounts,
                  long terminationGraceSeconds) {
    }

    /**
     * The StatefulSet's agent container as the kubelet would start it in pod {@code podName} of
     * {@code namespace} at {@code podIp}; the Secret's keys come from {@code secrets}. For tests that
     * start "pods" with exactly the manifest's command and environment.
     */
    static PodRun statefulSetPod(String podName, String namespace, String podIp, Map<String, String> secrets) {
        Map<String, Object> statefulSet = object("statefulset.yaml", "StatefulSet");
        Map<String, Object> c = agentContainer(statefulSet);
        Map<String, String> fields = Map.of("metadata.name", podName, "metadata.namespace", namespace, "status.podIP", podIp);
        Map<String, String> mounts = new LinkedHashMap<>();
        for (Object m : list(c.get("volumeMounts"))) {
            mounts.put(String.valueOf(map(m).get("name")), String.valueOf(map(m).get("mountPath")));
        }
        long grace = ((Number) podSpec(statefulSet).get("terminationGracePeriodSeconds")).longValue();
        return new PodRun(list(c.get("command")).stream().map(String::valueOf).toList(), environment(c, fields, secrets), mounts, grace);
    }

    /** Kubernetes' $(VAR) expansion; an unknown reference stays as written, as the kubelet leaves it. */
    static String expand(String text, Map<String, String> env) {
        Matcher m = K8S_REFERENCE.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = env.get(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? m.group() : v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The container file's instructions, continuation lines joined, comments dropped. */
    record Instruction(String keyword, String argument) {
    }

    static List<Instruction> containerfile() {
        List<Instruction> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String line : read("container/Containerfile").split("\n", -1)) {
            String t = line.strip();
            if (pending.isEmpty() && (t.isEmpty() || t.startsWith("#"))) {
                continue;
            }
            if (t.endsWith("\\")) {
                pending.append(t, 0, t.length() - 1).append(' ');
                continue;
            }
            pending.append(t);
            String whole = pending.toString().strip();
            pending.setLength(0);
            int space = whole.indexOf(' ');
            out.add(new Instruction(whole.substring(0, space).toUpperCase(java.util.Locale.ROOT), whole.substring(space + 1).strip()));
        }
        return out;
    }

    static List<String> containerfileArguments(String keyword) {
        return containerfile().stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::argument).toList();
    }

    /** @return ENTRYPOINT, from its JSON (exec) form: the only form that makes the agent PID 1 */
    static List<String> containerEntrypoint() {
        List<String> entrypoints = containerfileArguments("ENTRYPOINT");
        if (entrypoints.size() != 1 || !entrypoints.get(0).startsWith("[")) {
            throw new AssertionError("the container file needs one ENTRYPOINT in exec form, has " + entrypoints);
        }
        return list(Json.read(entrypoints.get(0))).stream().map(String::valueOf).toList();
    }

    /** @return the ENV settings, in order ({@code ENV K=V K2=V2}) */
    static Map<String, String> containerEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String arg : containerfileArguments("ENV")) {
            for (String pair : arg.split("\\s+")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new AssertionError("ENV needs KEY=VALUE pairs, has '" + arg + "'");
                }
                env.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return env;
    }

    /** @return the unit's settings in [section] -> key -> values (a key may repeat) */
    static Map<String, Map<String, List<String>>> unit(String text) {
        Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
        Map<String, List<String>> section = null;
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith(";")) {
                continue;
            }
            if (t.startsWith("[") && t.endsWith("]")) {
                section = out.computeIfAbsent(t.substring(1, t.length() - 1), k -> new LinkedHashMap<>());
                continue;
            }
            int eq = t.indexOf('=');
            if (section == null || eq <= 0) {
                throw new AssertionError("unit line outside a section or without '=': " + t);
            }
            section.computeIfAbsent(t.substring(0, eq).strip(), k -> new ArrayList<>()).add(t.substring(eq + 1).strip());
        }
        return out;
    }

    static Map<String, Map<String, List<String>>> unit() {
        return unit(read("systemd/rollcall.service"));
    }

    static String one(Map<String, Map<String, List<String>>> unit, String section, String key) {
        List<String> values = unit.getOrDefault(section, Map.of()).getOrDefault(key, List.of());
        if (values.size() != 1) {
            throw new AssertionError("[" + section + "] " + key + " should be set once, is " + values);
        }
        return values.get(0);
    }

    /** @return ExecStart as words (the unit uses no quoting, which {@code DeployFilesTest} checks) */
    static List<String> execStart(Map<String, Map<String, List<String>>> unit) {
        return List.of(one(unit, "Service", "ExecStart").split("\\s+"));
    }

    /** @return the unit's Environment= settings */
    static Map<String, String> unitEnvironment(Map<String, Map<String, List<String>>> unit) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String e : unit.getOrDefault("Service", Map.of()).getOrDefault("Environment", List.of())) {
            for (String pair : e.split("\\s+")) {
                int eq = pair.indexOf('=');
                env.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return env;
    }
}
