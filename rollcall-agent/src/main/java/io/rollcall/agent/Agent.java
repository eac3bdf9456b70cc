package io.rollcall.agent;

import io.rollcall.ClusterMember;
import io.rollcall.HostAndPort;
import io.rollcall.JoinException;
import io.rollcall.MembershipChange;
import io.rollcall.MembershipListener;
import io.rollcall.MembershipView;
import io.rollcall.PrintableText;
import io.rollcall.Rollcall;
import io.rollcall.RollcallConfig;
import io.rollcall.SelfStateNotStoredException;
import io.rollcall.Subscription;
import io.rollcall.SeedProvider;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code rollcall agent}: the long-running node. It keeps its identity in the data directory, joins,
 * serves the HTTP API, runs event handlers, and on SIGTERM or SIGINT leaves gracefully and exits 0
 * (a second signal exits at once). Exit statuses are in {@link ExitCode}.
 */
final class Agent {
    private static final long SNAPSHOT_DEBOUNCE_MILLIS = 1_000;
    /** Start-up join attempts while seeds accept but do not answer in time. */
    private static final int START_JOIN_ATTEMPTS = 3;
    private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(5);
    /** The most a stop waits for the leave to go out. */
    static final long LEAVE_MAX_MILLIS = LEAVE_TIMEOUT.toMillis() + 2_000;
    /**
     * The most a whole requested stop takes: the leave, then the event handlers' worker (2 s) and the
     * node's final view (2 s). Service managers must allow more (the unit's TimeoutStopSec, a pod's
     * terminationGracePeriodSeconds).
     */
    static final long STOP_MAX_MILLIS = LEAVE_MAX_MILLIS + 4_000;
    private static final System.Logger LOG = System.getLogger("rollcall.agent");

    private final AgentSettings settings;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final ScheduledExecutorService background;
    private DataDirectory data;
    private Rollcall node;
    private HttpApi http;
    private EventHandlers handlers;
    private HealthProbes probes;
    private MulticastDiscovery multicast;
    // Made at the first scrape: Micrometer is about a hundred classes an agent that is never
    // scraped need not load (start-up CPU and resident memory on every node).
    private final Object metricsLock = new Object();
    private Metrics metrics;
    private final Map<String, String> tags = new LinkedHashMap<>();
    private final AtomicBoolean snapshotScheduled = new AtomicBoolean();
    private List<DataDirectory.RememberedMember> remembered = List.of();
    private Subscription changeLog;

    Agent(AgentSettings settings) {
        this.settings = settings;
        ScheduledThreadPoolExecutor exec = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "rollcall-agent-background");
            t.setDaemon(true);
            return t;
        });
        exec.setRemoveOnCancelPolicy(true);
        this.background = exec;
    }

    /**
     * @param tags tags we would publish
     * @return why they cannot be ours, or null: a NUL character cannot reach an event handler's
     *         environment, where our own tags go
     */
    static String tagProblem(Map<String, String> tags) {
        for (Map.Entry<String, String> e : tags.entrySet()) {
            if (e.getKey().indexOf('\0') >= 0 || e.getValue().indexOf('\0') >= 0) {
                return "tag '" + e.getKey().replace("\0", "\\0") + "' contains a NUL character";
            }
        }
        return null;
    }

    /** @return the process exit status */
    int run() {
        LineLoggerFinder.configure(settings.logLevel());
        String name;
        long incarnation;
        DataDirectory.Identity identity;
        Map<String, String> storedTags;
        // Nothing is written until every setting has been checked: a start that fails on a bad flag
        // must leave the data directory as it found it, or the corrected start would be refused.
        try {
            data = new DataDirectory(settings.dataDir());
            data.lock();
            identity = data.identity();
            if (identity != null && settings.node() != null && !identity.name().equals(settings.node())) {
                String stored = PrintableText.escape(identity.name());
                return fail(ExitCode.DATA_DIR, "data directory " + data.path() + " belongs to node '" + stored
                        + "'; start with --node " + stored + " or use another --data-dir");
            }
            name = settings.node() != null ? settings.node() : identity != null ? identity.name() : hostName();
            String badName = io.rollcall.NodeNames.problem(name);
            if (badName != null && identity != null && settings.node() == null) {
                return fail(ExitCode.DATA_DIR, data.path().resolve("identity.json") + ": " + badName);
            }
            if (badName != null) {
                // --node was checked with the other flags: this name is the host's.
                return fail(ExitCode.USAGE, "the host name is not a valid node name (" + badName + "); pass --node");
            }
            if (identity != null && identity.incarnation() >= RollcallConfig.MAX_INITIAL_INCARNATION) {
                return fail(ExitCode.DATA_DIR, "node '" + identity.name() + "' has used every incarnation (last "
                        + identity.incarnation() + "); remove " + data.path().resolve("identity.json")
                        + " to start it as a new member");
            }
            // Start above every incarnation the last life may have used (OwnStateStore reserves them
            // before they are gossiped), so our new life wins at once.
            incarnation = identity == null ? 1 : identity.incarnation() + 1;
            storedTags = data.tags();
            if (storedTags != null) {
                tags.putAll(storedTags);
            }
            tags.putAll(settings.tags());
            // Read now, not when rejoining: a corrupt list is exit 4 like any other corrupt file, and
            // must not be overwritten by the first snapshot.
            remembered = data.members();
        } catch (DataDirectory.DataDirectoryException e) {
            return fail(ExitCode.DATA_DIR, e.getMessage());
        }
        String badTag = tagProblem(tags);
        if (badTag != null) {
            return fail(ExitCode.USAGE, badTag);
        }

        List<String> keys = new ArrayList<>();
        KeyringFile keyringFile = settings.keyringFile() == null ? null : new KeyringFile(settings.keyringFile());
        try {
            List<String> stored = keyringFile == null ? null : keyringFile.read();
            if (stored != null) {
                keys.addAll(stored);
            } else if (settings.encrypt() != null) {
                keys.add(settings.encrypt());
            }
        } catch (DataDirectory.DataDirectoryException e) {
            return fail(ExitCode.DATA_DIR, e.getMessage());
        }

        OwnStateStore ownState = new OwnStateStore(data, name, storedTags);
        RollcallConfig config;
        try {
            RollcallConfig.Builder b = RollcallConfig.builder(name).selfStateStore(ownState).bind(settings.bind()).profile(settings.profile())
                    .metadata(tags).initialIncarnation(incarnation).leaveTimeout(LEAVE_TIMEOUT)
                    .gossipKeys(keys).gossipVerifyIncoming(settings.verifyIncoming())
                    .gossipVerifyOutgoing(settings.verifyOutgoing()).label(settings.label())
                    .allowedNetworks(settings.allowCidrs()).maxInboundStreamsPerSource(settings.maxStreamsPerSource())
                    .seedRefreshInterval(settings.seedRefresh());
            if (settings.advertise() != null) {
                b.advertise(settings.advertise());
            }
            if (settings.memoryBudgetBytes() != 0) {
                b.memoryBudgetBytes(settings.memoryBudgetBytes());
            }
            config = b.build();
        } catch (IllegalArgumentException e) {
            return fail(ExitCode.USAGE, e.getMessage());
        }
        InetSocketAddress httpAddress;
        try {
            HostAndPort h = HostAndPort.parse(settings.http(), 7947);
            httpAddress = new InetSocketAddress(InetAddress.getByName(h.host()), h.port());
        } catch (IllegalArgumentException | UnknownHostException e) {
            return fail(ExitCode.USAGE, "bad --http address '" + settings.http() + "': " + e.getMessage());
        }
        if (!httpAddress.getAddress().isLoopbackAddress() && settings.httpToken() == null) {
            return fail(ExitCode.USAGE, "the HTTP API on " + settings.http() + " would be reachable from other hosts;"
                    + " set --http-token (or ROLLCALL_HTTP_TOKEN) to require a token");
        }
        try {
            ownState.reserveFrom(incarnation);
        } catch (DataDirectory.DataDirectoryException e) {
            return fail(ExitCode.DATA_DIR, e.getMessage());
        }
        if (keyringFile != null && !keys.isEmpty()) {
            try {
                keyringFile.write(keys);
            } catch (IOException e) {
                return fail(ExitCode.DATA_DIR, "cannot write keyring file " + settings.keyringFile() + ": " + IoProblems.describe(e));
            }
        }

        try {
            node = Rollcall.start(config);
        } catch (IOException e) {
            return fail(ExitCode.START, e.getMessage());
        }
        LOG.log(Level.INFO, "node " + name + " (incarnation " + incarnation + ") listening on "
                + Views.address(node.address()) + " (UDP and TCP), profile "
                + settings.profile().name().toLowerCase(Locale.ROOT) + ", memory budget "
                + Views.mib(config.memoryBudgetBytes()));
        if (!keys.isEmpty()) {
            LOG.log(Level.INFO, "gossip is encrypted (" + keys.size() + " key(s) installed)");
        }
        if (keyringFile != null) {
            node.onKeyringChange(() -> background.execute(() -> {
                try {
                    List<String> current = node.localKeys();
                    keyringFile.write(current);
                    LOG.log(Level.INFO, "keyring changed; saved " + current.size() + " key(s) to " + settings.keyringFile());
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "could not save the keyring file " + settings.keyringFile() + ": " + IoProblems.describe(e));
                }
            }));
        }
        probes = new HealthProbes(() -> {
            MembershipView view = node.view();
            return new HealthProbes.Sample(view.local().status(), view.reachable().size(), node.health().score());
        }, firstNode(name), stopping::get);
        changeLog = node.subscribe(new ChangeLogger());
        handlers = new EventHandlers(settings.eventHandlers(), name, () -> Map.copyOf(tags));
        if (!settings.eventHandlers().isEmpty()) {
            // Without handlers, no worker thread and no subscription (each has a delivery thread).
            handlers.start();
            node.subscribe(handlers);
            if (handlers.wantsUserEvents() || handlers.wantsQueries()) {
                boolean users = handlers.wantsUserEvents();
                boolean queries = handlers.wantsQueries();
                node.setClusterEventListener(new io.rollcall.ClusterEventListener() {
                    @Override
                    public void onUserEvent(io.rollcall.UserEvent event) {
                        if (users) {
                            handlers.onUserEvent(event);
                        }
                    }

                    @Override
                    public void onQuery(io.rollcall.IncomingQuery query) {
                        if (queries) {
                            handlers.onQuery(query);
                        }
                    }
                });
            }
        }
        try {
            http = new HttpApi(httpAddress, new Control(), settings.httpToken());
            http.start();
            LOG.log(Level.INFO, "HTTP API on http://" + Views.address(http.address()));
        } catch (IOException e) {
            shutdownQuietly(false);
            return fail(ExitCode.START, "cannot serve the HTTP API on " + settings.http() + ": " + e.getMessage());
        }

        Signals.onTerminate(this::requestStop, () -> {
            System.err.println("rollcall: second signal; stopping at once without leaving");
            Runtime.getRuntime().halt(ExitCode.FORCED.status);
        });

        if (!settings.join().isEmpty()) {
            try {
                int joined = joinAtStart(settings.join());
                LOG.log(Level.INFO, "joined the cluster through " + joined + " of " + settings.join().size() + " seed(s)");
            } catch (JoinException e) {
                abandonStart(identity, incarnation, e);
                return fail(ExitCode.JOIN, e.getMessage());
            }
        }
        startRejoin();
        if (settings.discover() != null) {
            try {
                multicast = MulticastDiscovery.start(settings.discover(), name, node.address());
                node.keepJoining(List.of(multicast), true);
            } catch (IOException | RuntimeException e) {
                shutdownQuietly(false);
                return fail(ExitCode.START, "cannot start multicast DNS discovery on " + Views.address(node.address()) + ": "
                        + IoProblems.describe(e instanceof IOException io ? io : new IOException(e.toString())));
            }
        }
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return shutdownQuietly(true);
    }

    /**
     * A node configured to form a cluster alone is ready without having joined: the one named by
     * {@code --bootstrap-node}, and one given no seed at all (it can only be joined).
     */
    private boolean firstNode(String name) {
        return name.equals(settings.bootstrapNode()) || (settings.join().isEmpty() && settings.retryJoin().isEmpty());
    }

    /**
     * The start-up join: a seed that accepted the connection but did not answer within the TCP
     * timeout is busy, not gone (63 agents starting at once on two cores starve it for seconds), so
     * such a join is tried again, {@value #START_JOIN_ATTEMPTS} times in all. A refused, unreachable or
     * unresolvable seed fails at once, as in Serf. The join completes at the first seed that answers.
     */
    private int joinAtStart(List<String> seeds) throws JoinException {
        List<SeedProvider> providers = providers(seeds);
        for (int attempt = 1; ; attempt++) {
            try {
                return await(node.join(providers, Duration.ZERO), seeds);
            } catch (JoinException e) {
                if (!e.allFailedBecause(JoinException.Reason.TIMED_OUT) || attempt >= START_JOIN_ATTEMPTS
                        || stop.getCount() == 0) {
                    throw e;
                }
                LOG.log(Level.WARNING, "join attempt " + attempt + " of " + START_JOIN_ATTEMPTS
                        + " got no answer in time (" + String.join("; ", e.failures()) + "); trying again");
            }
        }
    }

    private static List<SeedProvider> providers(List<String> seeds) {
        List<SeedProvider> out = new ArrayList<>();
        for (String s : seeds) {
            out.add(SeedProvider.parse(s));
        }
        return out;
    }

    private static JoinException everySeed(List<String> seeds, JoinException.Reason reason, String message) {
        List<JoinException.SeedFailure> failures = new ArrayList<>();
        for (String seed : seeds) {
            failures.add(new JoinException.SeedFailure(seed, reason, message));
        }
        return new JoinException(failures);
    }

    private int await(java.util.concurrent.CompletableFuture<Integer> join, List<String> seeds) throws JoinException {
        try {
            // DNS lookups come first: each provider may take a few seconds when no DNS server answers.
            return join.get(node.config().tcpTimeout().toMillis() + 15_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof JoinException je) {
                throw je;
            }
            throw everySeed(seeds, JoinException.Reason.FAILED, String.valueOf(e.getCause()));
        } catch (TimeoutException e) {
            throw everySeed(seeds, JoinException.Reason.TIMED_OUT, "join did not complete in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw everySeed(seeds, JoinException.Reason.FAILED, "interrupted");
        }
    }

    /**
     * Hands {@code --retry-join} seeds (which also heal partitions, re-resolved at every refresh) and the
     * members remembered from the last run (tried only while alone: their addresses may be stale) to
     * the node's discovery, so a restarted cluster re-forms with no seeds at all.
     */
    private void startRejoin() {
        // One provider for every remembered address, each once: a long member list names few hosts.
        Set<String> rememberedAddresses = new LinkedHashSet<>();
        for (DataDirectory.RememberedMember m : remembered) {
            if (!m.name().equals(node.name()) && !m.address().equals(Views.address(node.address()))) {
                rememberedAddresses.add(m.address());
            }
        }
        List<InetSocketAddress> rememberedSeeds = new ArrayList<>();
        for (String address : rememberedAddresses) {
            try {
                HostAndPort hp = HostAndPort.parse(address, RollcallConfig.DEFAULT_PORT);
                rememberedSeeds.add(hp.isIpLiteral() ? new InetSocketAddress(hp.host(), hp.port())
                        : InetSocketAddress.createUnresolved(hp.host(), hp.port()));
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, "a remembered member has a bad address: " + e.getMessage());
            }
        }
        List<SeedProvider> retry = providers(settings.retryJoin());
        if (retry.isEmpty() && rememberedSeeds.isEmpty()) {
            return;
        }
        List<String> targets = new ArrayList<>(settings.retryJoin());
        targets.addAll(rememberedAddresses);
        LOG.log(Level.INFO, "rejoining through " + targets.size() + " address(es) in the background: "
                + (targets.size() <= 16 ? targets : targets.subList(0, 16) + " and " + (targets.size() - 16) + " more"));
        node.keepJoining(retry, true);
        if (!rememberedSeeds.isEmpty()) {
            node.keepJoining(List.of(SeedProvider.of(rememberedSeeds)), false);
        }
    }

    private void requestStop() {
        if (stopping.compareAndSet(false, true)) {
            LOG.log(Level.INFO, "stopping: leaving the cluster");
            stop.countDown();
        }
    }

    /**
     * A start whose {@code --join} failed ends as if it had not happened: no "member left" about a
     * node that never joined, no member list overwritten with nothing, and, when no seed can have
     * heard of us (every seed refused, unresolvable or rejecting, and nothing made us refute), the
     * identity as it was, so retried starts do not climb through incarnations.
     */
    private void abandonStart(DataDirectory.Identity before, long startIncarnation, JoinException failure) {
        stopping.set(true);
        changeLog.close();
        boolean unheard = !failure.seedFailures().isEmpty() && failure.seedFailures().stream()
                .allMatch(f -> f.reason() == JoinException.Reason.REFUSED || f.reason() == JoinException.Reason.UNRESOLVED
                        || f.reason() == JoinException.Reason.REJECTED);
        boolean refuted = node.view().local().incarnation() != startIncarnation;
        if (http != null) {
            http.close();
        }
        if (handlers != null) {
            handlers.close();
        }
        node.close();
        background.shutdownNow();
        if (unheard && !refuted) {
            try {
                data.restoreIdentity(before);
            } catch (DataDirectory.DataDirectoryException e) {
                LOG.log(Level.WARNING, "could not restore the identity after the failed start: " + e.getMessage());
            }
        }
    }

    private int shutdownQuietly(boolean leave) {
        stopping.set(true);
        if (multicast != null) {
            multicast.close();
        }
        if (leave && node != null) {
            try {
                node.leave(LEAVE_TIMEOUT).get(LEAVE_MAX_MILLIS, TimeUnit.MILLISECONDS);
                LOG.log(Level.INFO, "left the cluster");
            } catch (Exception e) {
                // Still a requested stop: exit 0, but say the departure may have reached fewer members.
                LOG.log(Level.WARNING, "leave was not fully announced: " +
                        (e.getCause() != null ? e.getCause().getMessage() : e.toString()));
            }
        }
        if (node != null) {
            saveMembers();
        }
        if (http != null) {
            http.close();
        }
        if (handlers != null) {
            handlers.close();
        }
        if (probes != null) {
            probes.close();
        }
        if (node != null) {
            node.close();
        }
        background.shutdownNow();
        return ExitCode.OK.status;
    }

    private int fail(ExitCode code, String message) {
        // One line, not a log record and the same text again: this is what the operator reads.
        System.err.println("rollcall: " + PrintableText.escape(message));
        return code.status;
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "rollcall-node";
        }
    }

    private void scheduleSnapshot() {
        if (snapshotScheduled.compareAndSet(false, true)) {
            background.schedule(() -> {
                snapshotScheduled.set(false);
                saveMembers();
            }, SNAPSHOT_DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void saveMembers() {
        try {
            MembershipView view = node.view();
            List<DataDirectory.RememberedMember> members = new ArrayList<>();
            for (ClusterMember m : view.members()) {
                if (!m.name().equals(view.local().name())) {
                    members.add(new DataDirectory.RememberedMember(m.name(), Views.address(m.address())));
                }
            }
            // A node alone (just restarted, not yet rejoined) knows no one new: keep the list it has.
            if (!members.isEmpty()) {
                data.saveMembers(members);
            }
        } catch (DataDirectory.DataDirectoryException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not save the member snapshot: " + e.getMessage());
        }
    }

    /** One INFO line per membership change; also keeps the member snapshot current. */
    private final class ChangeLogger implements MembershipListener {
        @Override
        public void onSnapshot(MembershipView view, boolean resync) {
            if (view.reachable().size() > 1) {
                probes.joined();
            }
            scheduleSnapshot();
        }

        @Override
        public void onChange(MembershipChange c) {
            ClusterMember m = c.member();
            LOG.log(Level.INFO, "member " + c.kind().name().toLowerCase(Locale.ROOT) + ": " + m.name() +
                    " " + Views.address(m.address()) + " (incarnation " + m.incarnation() + ")");
            if (!m.name().equals(node.name()) && m.isReachable()) {
                probes.joined();
            }
            scheduleSnapshot();
        }
    }

    /** What the HTTP API may ask of the agent. */
    private final class Control implements HttpApi.Control {
        @Override
        public Rollcall node() {
            return node;
        }

        @Override
        public Map<String, Object> info() {
            MembershipView view = node.view();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", node.name());
            out.put("version", Version.TEXT);
            out.put("address", Views.address(node.address()));
            out.put("bind", settings.bind());
            out.put("http", Views.address(http.address()));
            out.put("data_dir", data.path().toAbsolutePath().toString());
            out.put("incarnation", view.local().incarnation());
            out.put("status", view.local().status().name().toLowerCase(Locale.ROOT));
            out.put("tags", new TreeMap<>(view.local().metadata()));
            Map<String, Object> cfg = new LinkedHashMap<>();
            RollcallConfig c = node.config();
            cfg.put("profile", c.profile().name().toLowerCase(Locale.ROOT));
            cfg.put("probe_interval_ms", c.probeInterval().toMillis());
            cfg.put("probe_timeout_ms", c.probeTimeout().toMillis());
            cfg.put("suspicion_multiplier", c.suspicionMultiplier());
            cfg.put("tcp_timeout_ms", c.tcpTimeout().toMillis());
            cfg.put("serf_compatible", c.serfCompatible());
            cfg.put("join", settings.join());
            cfg.put("retry_join", settings.retryJoin());
            cfg.put("bootstrap_node", settings.bootstrapNode());
            cfg.put("discover", settings.discover());
            cfg.put("seed_refresh_interval_ms", settings.seedRefresh().toMillis());
            cfg.put("event_handlers", settings.eventHandlers());
            cfg.put("log_level", settings.logLevel());
            out.put("config", cfg);
            var h = node.health();
            Map<String, Object> health = new LinkedHashMap<>();
            health.put("score", h.score());
            health.put("members", view.members().size());
            health.put("reachable", view.reachable().size());
            health.put("probes_sent", h.probesSent());
            health.put("probes_failed", h.probesFailed());
            health.put("probes_unreachable", h.probesUnreachable());
            health.put("suspicions_raised", h.suspicionsRaised());
            health.put("failures_declared", h.failuresDeclared());
            health.put("refutations", h.refutations());
            health.put("bytes_in", h.bytesIn());
            health.put("bytes_out", h.bytesOut());
            health.put("messages_in", h.messagesIn());
            health.put("messages_out", h.messagesOut());
            health.put("dropped", h.dropped());
            health.put("event_queue_depth", h.eventQueueDepth());
            health.put("event_handler_queue_depth", handlers.queueDepth());
            health.put("event_handler_drops", handlers.dropped());
            health.put("event_handler_failures", handlers.failed());
            out.put("health", health);
            var d = node.discoveryCounters();
            Map<String, Object> discovery = new LinkedHashMap<>();
            discovery.put("seed_lookups", d.lookups());
            discovery.put("seed_lookup_failures", d.lookupFailures());
            discovery.put("join_attempts", d.joinAttempts());
            discovery.put("join_failures", d.joinFailures());
            discovery.put("name_conflicts", d.nameConflicts());
            out.put("discovery", discovery);
            return out;
        }

        @Override
        public boolean leave() {
            boolean clean;
            try {
                node.leave(LEAVE_TIMEOUT).get(LEAVE_MAX_MILLIS, TimeUnit.MILLISECONDS);
                clean = true;
            } catch (Exception e) {
                clean = false;
            }
            requestStop();
            return clean;
        }

        @Override
        public synchronized Map<String, String> updateTags(Map<String, String> set, List<String> delete) throws Exception {
            Map<String, String> next = new LinkedHashMap<>(tags);
            next.putAll(set);
            delete.forEach(next::remove);
            try {
                // Stored in tags.json by OwnStateStore before it is gossiped; refused if it cannot be.
                node.updateMetadata(next).get(5, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof SelfStateNotStoredException notStored) {
                    throw notStored;
                }
                throw e;
            }
            tags.clear();
            tags.putAll(next);
            return new TreeMap<>(next);
        }

        @Override
        public io.rollcall.KeyOperation keys(String operation, String key) throws Exception {
            var future = switch (operation) {
                case "list" -> node.listKeys();
                case "install" -> node.installKey(key);
                case "use" -> node.useKey(key);
                case "remove" -> node.removeKey(key);
                default -> throw new IllegalArgumentException("unknown key operation '" + operation + "'");
            };
            return future.get(30, TimeUnit.SECONDS);
        }

        @Override
        public String metrics() {
            Metrics m;
            synchronized (metricsLock) {
                if (metrics == null) {
                    metrics = new Metrics(node);
                }
                m = metrics;
            }
            return m.scrape(handlers.dropped(), handlers.queueDepth());
        }

        @Override
        public HealthProbes.Verdict live() {
            return probes.live();
        }

        @Override
        public HealthProbes.Verdict ready() {
            return probes.ready();
        }
    }
}
