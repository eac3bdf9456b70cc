package io.rollcall.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.rollcall.Health;
import io.rollcall.MemberStatus;
import io.rollcall.MembershipView;
import io.rollcall.Rollcall;
import java.time.Duration;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * A node's metrics in any Micrometer registry: the ones the {@code rollcall} agent exports.
 *
 * <pre>{@code
 * new RollcallMetrics(node).bindTo(registry);
 * }</pre>
 *
 * <p>Meters: {@code rollcall.members} (gauge, tag {@code state}: alive, suspect, failed, left);
 * {@code rollcall.health.score} and {@code rollcall.protocol.queue.depth} (gauges); function counters
 * {@code rollcall.probes.sent}, {@code .failed}, {@code .unreachable}, {@code rollcall.suspicions},
 * {@code rollcall.failures.declared}, {@code rollcall.refutations}, {@code rollcall.bytes.in},
 * {@code .out}, and {@code rollcall.messages.in} / {@code .out} (tag {@code type}) and
 * {@code rollcall.dropped} (tag {@code reason}), registered as each type or reason first occurs.
 * Every meter may carry extra tags (the node's name, say) given to the constructor.
 *
 * <p>Cost and consistency: the meters read one {@link Health} and one view, taken at most once per
 * {@code maxAge} (one second by default) whatever the number of meters or registries, so one
 * publication's numbers agree with each other, and a registry polling often costs the protocol
 * thread one short task per {@code maxAge}. After the node closes, the meters keep its last numbers.
 */
public final class RollcallMetrics implements MeterBinder {
    private final Rollcall node;
    private final Tags tags;
    private final long maxAgeNanos;
    /** Per registry, the message types and drop reasons it has meters for. */
    private final Map<MeterRegistry, Set<String>> dynamic = new IdentityHashMap<>();
    private Health health;
    private MembershipView view;
    private long takenAt;
    private boolean taken;

    /**
     * @param node the node to measure
     */
    public RollcallMetrics(Rollcall node) {
        this(node, Tags.empty(), Duration.ofSeconds(1));
    }

    /**
     * @param node   the node to measure
     * @param tags   added to every meter
     * @param maxAge how old the numbers may be before a meter's read takes new ones
     */
    public RollcallMetrics(Rollcall node, Iterable<io.micrometer.core.instrument.Tag> tags, Duration maxAge) {
        this.node = Objects.requireNonNull(node, "node");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge must not be negative, got " + maxAge);
        }
        this.maxAgeNanos = maxAge.toNanos();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        synchronized (this) {
            dynamic.putIfAbsent(registry, new HashSet<>());
        }
        for (MemberStatus s : MemberStatus.values()) {
            // Strong: the registry then keeps this binder (and so its function counters) alive.
            Gauge.builder("rollcall.members", this, m -> m.view().withStatus(s).size()).strongReference(true)
                    .tags(tags).tag("state", s.name().toLowerCase(Locale.ROOT)).description("members by state").register(registry);
        }
        counter(registry, "rollcall.probes.sent", "probes started", Health::probesSent);
        counter(registry, "rollcall.probes.failed", "probes that ended in a suspicion", Health::probesFailed);
        counter(registry, "rollcall.probes.unreachable", "probes ended early: nothing listened at the target's port",
                Health::probesUnreachable);
        counter(registry, "rollcall.suspicions", "members this node began to suspect", Health::suspicionsRaised);
        counter(registry, "rollcall.failures.declared", "suspicions this node let expire", Health::failuresDeclared);
        counter(registry, "rollcall.refutations", "suspicions about this node it refuted", Health::refutations);
        counter(registry, "rollcall.bytes.in", "bytes received", Health::bytesIn);
        counter(registry, "rollcall.bytes.out", "bytes sent", Health::bytesOut);
        Gauge.builder("rollcall.health.score", this, m -> m.health().score()).tags(tags)
                .description("Lifeguard local health score: 0 healthy, up to 7").register(registry);
        Gauge.builder("rollcall.protocol.queue.depth", this, m -> m.health().eventQueueDepth()).tags(tags)
                .description("work waiting for the protocol thread").register(registry);
        synchronized (this) {
            registerNewKeys(health());
        }
    }

    /**
     * Takes new numbers now (and registers meters for message types and drop reasons seen for the
     * first time). A scrape endpoint calls it first, so the scrape shows the present.
     */
    public synchronized void refresh() {
        taken = false;
        health();
    }

    private void counter(MeterRegistry registry, String name, String help, ToDoubleFunction<Health> f) {
        FunctionCounter.builder(name, this, m -> f.applyAsDouble(m.health())).tags(tags).description(help).register(registry);
    }

    private synchronized MembershipView view() {
        health();
        return view;
    }

    private synchronized Health health() {
        long now = System.nanoTime();
        if (!taken || now - takenAt > maxAgeNanos) {
            health = node.health();
            view = node.view();
            takenAt = now;
            taken = true;
            registerNewKeys(health);
        }
        return health;
    }

    private void registerNewKeys(Health h) {
        dynamicCounters("rollcall.messages.in", "type", h.messagesIn(), "messages received by type", Health::messagesIn);
        dynamicCounters("rollcall.messages.out", "type", h.messagesOut(), "messages sent by type", Health::messagesOut);
        dynamicCounters("rollcall.dropped", "reason", h.dropped(), "input dropped by reason", Health::dropped);
    }

    private void dynamicCounters(String name, String tag, Map<String, Long> values, String help,
                                 Function<Health, Map<String, Long>> read) {
        for (Map.Entry<MeterRegistry, Set<String>> e : dynamic.entrySet()) {
            for (String key : values.keySet()) {
                if (e.getValue().add(name + "/" + key)) {
                    FunctionCounter.builder(name, this, m -> read.apply(m.health()).getOrDefault(key, 0L))
                            .tags(tags).tag(tag, key).description(help).register(e.getKey());
                }
            }
        }
    }
}
