package io.rollcall.agent;

import io.rollcall.Profile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@code rollcall agent} runs with. Each setting comes from, in order of precedence: a flag,
 * its environment variable ({@code ROLLCALL_} + the flag in upper case with dashes as underscores;
 * repeatable flags take a comma-separated list), the config file ({@code --config}, JSON or YAML,
 * keys with underscores), or the default.
 *
 * @param node          node name; null means the data directory's, else the host name
 * @param bind          UDP and TCP address
 * @param advertise     address peers are told to use, or null
 * @param join          seeds that must be joined at start (exit 3 if none can be)
 * @param retryJoin     seeds tried in the background until one answers
 * @param dataDir       where identity, members and tags are kept
 * @param http          HTTP API address
 * @param tags          tags (metadata)
 * @param profile       timing profile
 * @param eventHandlers commands run for membership events
 * @param logLevel      trace, debug, info, warn or error
 * @param encrypt       base64 gossip key, or null
 * @param keyringFile   file keeping the gossip keys (Serf's format: a JSON array, primary first), or null
 * @param verifyIncoming refuse unencrypted input when keys are set (false only while migrating)
 * @param verifyOutgoing encrypt output when keys are set (false only while migrating)
 * @param label         cluster label, or empty
 * @param allowCidrs    networks peers may send from; empty allows all
 * @param httpToken     token every HTTP request must carry, or null
 * @param maxStreamsPerSource most gossip TCP requests served at once from one address
 * @param memoryBudgetBytes the heap peers may make the agent fill, or 0 for the default (a share of -Xmx)
 * @param bootstrapNode name of the node that may form the cluster alone: it is ready
 *                      ({@code /v1/health/ready}) without having joined; null for none
 * @param discover      multicast DNS cluster name (Serf's -discover), or null
 * @param seedRefresh   how often seeds are resolved again while running
 */
record AgentSettings(String node, String bind, String advertise, List<String> join, List<String> retryJoin,
                     Path dataDir, String http, Map<String, String> tags, Profile profile, List<String> eventHandlers,
                     String logLevel, String encrypt, Path keyringFile, boolean verifyIncoming, boolean verifyOutgoing,
                     String label, List<String> allowCidrs, String httpToken, int maxStreamsPerSource,
                     long memoryBudgetBytes, String bootstrapNode, String discover, Duration seedRefresh) {

    static final String DEFAULT_BIND = "0.0.0.0:7946";
    static final String DEFAULT_HTTP = "127.0.0.1:7947";

    private static final Set<String> CONFIG_KEYS = Set.of("node", "bind", "advertise", "join", "retry_join", "data_dir",
            "http", "tags", "profile", "event_handlers", "log_level", "encrypt", "keyring_file", "gossip_verify_incoming",
            "gossip_verify_outgoing", "label", "allow_cidr", "http_token", "max_streams_per_source",
            "memory_budget", "bootstrap_node", "discover", "seed_refresh_interval");
    /** Flags that may be given more than once. */
    private static final Set<String> REPEATED_FLAGS = Set.of("join", "retry-join", "tag", "event-handler", "allow-cidr");
    private static final Set<String> SINGLE_FLAGS = Set.of("node", "bind", "advertise", "data-dir", "http", "profile",
            "log-level", "config", "encrypt", "keyring-file", "gossip-verify-incoming", "gossip-verify-outgoing", "label",
            "http-token", "max-streams-per-source", "memory-budget",
            "bootstrap-node", "discover", "seed-refresh-interval");
    private static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error");

    /**
     * @param args flags after {@code agent}
     * @param env  the environment
     * @return the settings
     * @throws UsageException with a one-line message for anything invalid
     */
    static AgentSettings parse(List<String> args, Map<String, String> env) {
        Map<String, String> single = new LinkedHashMap<>();
        Map<String, List<String>> multi = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name;
            String value;
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            name = eq > 0 ? arg.substring(2, eq) : arg.substring(2);
            // The name first: an unknown flag is unknown, whether or not a value follows it.
            if (!REPEATED_FLAGS.contains(name) && !SINGLE_FLAGS.contains(name)) {
                throw new UsageException("unknown flag --" + name + " (see 'rollcall agent --help')");
            }
            if (eq > 0) {
                value = arg.substring(eq + 1);
            } else {
                if (i + 1 >= args.size()) {
                    throw new UsageException("--" + name + " needs a value");
                }
                value = args.get(++i);
            }
            if (REPEATED_FLAGS.contains(name)) {
                multi.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                single.put(name, value);
            }
        }
        Map<String, Object> file = loadConfig(pick("config", single, env, Map.of()));
        String node = pick("node", single, env, file);
        if (node != null && io.rollcall.NodeNames.problem(node) != null) {
            throw new UsageException(io.rollcall.NodeNames.problem(node));
        }
        String bind = orDefault(pick("bind", single, env, file), DEFAULT_BIND);
        String advertise = pick("advertise", single, env, file);
        List<String> join = pickList("join", multi, env, file);
        List<String> retryJoin = pickList("retry-join", multi, env, file);
        checkAddresses("join", join);
        checkAddresses("retry-join", retryJoin);
        String dataDir = orDefault(pick("data-dir", single, env, file), "data");
        String http = orDefault(pick("http", single, env, file), DEFAULT_HTTP);
        String profileText = orDefault(pick("profile", single, env, file), "lan");
        Profile profile = switch (profileText.toLowerCase(Locale.ROOT)) {
            case "lan" -> Profile.LAN;
            case "wan" -> Profile.WAN;
            case "local" -> Profile.LOCAL;
            default -> throw new UsageException("--profile must be lan, wan or local, not '" + profileText + "'");
        };
        List<String> handlers = pickList("event-handler", multi, env, file);
        String logLevel = orDefault(pick("log-level", single, env, file), "info").toLowerCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(logLevel)) {
            throw new UsageException("--log-level must be one of trace, debug, info, warn, error, not '" + logLevel + "'");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        Object fileTags = file.get("tags");
        if (fileTags != null) {
            if (!(fileTags instanceof Map<?, ?> m)) {
                throw new UsageException("config key 'tags' must be a map of strings");
            }
            m.forEach((k, v) -> tags.put(String.valueOf(k), String.valueOf(v)));
        }
        List<String> tagArgs = multi.containsKey("tag") ? multi.get("tag") : splitList(env.get("ROLLCALL_TAG"));
        for (String t : tagArgs) {
            int eq = t.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--tag expects KEY=VALUE, got '" + t + "'");
            }
            tags.put(t.substring(0, eq), t.substring(eq + 1));
        }
        String encrypt = pick("encrypt", single, env, file);
        String keyringFile = pick("keyring-file", single, env, file);
        boolean verifyIncoming = bool("gossip-verify-incoming", pick("gossip-verify-incoming", single, env, file));
        boolean verifyOutgoing = bool("gossip-verify-outgoing", pick("gossip-verify-outgoing", single, env, file));
        String label = orDefault(pick("label", single, env, file), "");
        List<String> allowCidrs = pickList("allow-cidr", multi, env, file);
        String httpToken = pick("http-token", single, env, file);
        if (httpToken != null && !httpToken.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
            // A client could never send it: HTTP header values carry no control characters, and the CLI refuses spaces.
            throw new UsageException("--http-token may hold only visible ASCII characters (no spaces or control characters)");
        }
        String perSource = orDefault(pick("max-streams-per-source", single, env, file),
                String.valueOf(io.rollcall.RollcallConfig.DEFAULT_MAX_INBOUND_STREAMS_PER_SOURCE));
        if (!perSource.matches("[1-9][0-9]{0,2}") || Integer.parseInt(perSource) < 1 || Integer.parseInt(perSource) > 128) {
            throw new UsageException("--max-streams-per-source must be a whole number from 1 to 128, not '" + perSource + "'");
        }
        String memoryBudget = pick("memory-budget", single, env, file);
        long memoryBudgetBytes = memoryBudget == null || memoryBudget.isEmpty() ? 0 : byteSize("memory-budget", memoryBudget);
        String bootstrapNode = pick("bootstrap-node", single, env, file);
        String discover = pick("discover", single, env, file);
        if (discover != null && !discover.matches("[A-Za-z0-9-]{1,40}")) {
            throw new UsageException("--discover expects a cluster name of letters, digits and '-' (at most 40), got '" + discover + "'");
        }
        Duration seedRefresh = duration("seed-refresh-interval", orDefault(pick("seed-refresh-interval", single, env, file), "60s"));
        if (seedRefresh.toMillis() < 100) {
            throw new UsageException("--seed-refresh-interval must be at least 100ms, got '" + seedRefresh.toMillis() + "ms'");
        }
        return new AgentSettings(node, bind, advertise, join, retryJoin, Path.of(dataDir), http, tags, profile, handlers, logLevel,
                encrypt, keyringFile == null ? null : Path.of(keyringFile), verifyIncoming, verifyOutgoing, label, allowCidrs,
                httpToken == null || httpToken.isEmpty() ? null : httpToken, Integer.parseInt(perSource),
                memoryBudgetBytes, bootstrapNode == null || bootstrapNode.isEmpty() ? null : bootstrapNode, discover, seedRefresh);
    }

    /** Parses {@code 500ms}, {@code 30s}, {@code 2m}, or a bare number of seconds. */
    static Duration duration(String flag, String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m|h)?").matcher(text.trim());
        if (!m.matches()) {
            throw new UsageException("--" + flag + " expects a duration such as 500ms, 30s or 2m, got '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    /** A size in bytes, with an optional unit: 33554432, 32MiB, 32m, 512KiB, 1GiB (binary units). */
    static long byteSize(String flag, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int digits = 0;
        while (digits < t.length() && Character.isDigit(t.charAt(digits))) {
            digits++;
        }
        String unit = t.substring(digits).trim();
        long scale = switch (unit) {
            case "", "b" -> 1;
            case "k", "kb", "kib" -> 1024;
            case "m", "mb", "mib" -> 1024 * 1024;
            case "g", "gb", "gib" -> 1024L * 1024 * 1024;
            default -> -1;
        };
        if (digits == 0 || digits > 12 || scale < 0) {
            throw new UsageException("--" + flag + " must be a size such as 32MiB, 512KiB or 33554432, not '" + text + "'");
        }
        long bytes = Long.parseLong(t.substring(0, digits)) * scale;
        if (bytes == 0) {
            throw new UsageException("--" + flag + " must be more than 0");
        }
        return bytes;
    }

    /** Seeds are flags like any other: a bad one is a usage error now, not a failed join later. */
    private static void checkAddresses(String flag, List<String> addresses) {
        for (String address : addresses) {
            try {
                io.rollcall.SeedProvider.parse(address);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--" + flag + ": " + e.getMessage());
            }
        }
    }

    private static Map<String, Object> loadConfig(String path) {
        if (path == null) {
            return Map.of();
        }
        String text;
        try {
            text = Files.readString(Path.of(path), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("cannot read config file " + path + ": " + IoProblems.describe(e));
        }
        Object doc;
        try {
            doc = Json.readJsonOrYaml(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("config file " + path + " is " + e.getMessage());
        }
        if (doc == null) {
            return Map.of();
        }
        if (!(doc instanceof Map<?, ?> map)) {
            throw new UsageException("config file " + path + " must hold a map of settings");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!CONFIG_KEYS.contains(key)) {
                throw new UsageException("config file " + path + ": unknown key '" + key + "'; known keys are "
                        + String.join(", ", CONFIG_KEYS.stream().sorted().toList()));
            }
            out.put(key, e.getValue());
        }
        return out;
    }

    // No converter argument: every setting is text until checked, and each method reference passed
    // here was a lambda class of its own, made at run time on every agent start (the class-data
    // archive holds one per distinct shape, not one per call site).
    private static String pick(String flag, Map<String, String> flags, Map<String, String> env, Map<String, Object> file) {
        if (flags.containsKey(flag)) {
            return flags.get(flag);
        }
        String fromEnv = env.get(envName(flag));
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromEnv;
        }
        Object fromFile = file.get(flag.replace('-', '_'));
        return fromFile == null ? null : String.valueOf(fromFile);
    }

    private static List<String> pickList(String flag, Map<String, List<String>> flags, Map<String, String> env,
                                         Map<String, Object> file) {
        if (flags.containsKey(flag)) {
            return List.copyOf(flags.get(flag));
        }
        String fromEnv = env.get(envName(flag));
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return splitList(fromEnv);
        }
        String key = flag.equals("event-handler") ? "event_handlers" : flag.replace('-', '_');
        Object fromFile = file.get(key);
        if (fromFile == null) {
            return List.of();
        }
        if (fromFile instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(fromFile));
    }

    private static boolean bool(String flag, String text) {
        if (text == null) {
            return true;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new UsageException("--" + flag + " must be true or false, not '" + text + "'");
        };
    }

    static String envName(String flag) {
        return "ROLLCALL_" + flag.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static List<String> splitList(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }

    /** Bad command-line input or configuration: reported as one line, exit status 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
