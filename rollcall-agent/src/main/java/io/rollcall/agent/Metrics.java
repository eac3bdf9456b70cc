package io.rollcall.agent;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.rollcall.Health;
import io.rollcall.MemberStatus;
import io.rollcall.MembershipView;
import io.rollcall.Rollcall;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Prometheus metrics through Micrometer. Values are read from one {@link Health} and view snapshot
 * taken per scrape, so the numbers in one scrape are consistent with each other.
 */
final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Rollcall node;
    private final Set<String> registered = new HashSet<>();
    private volatile Health health;
    private volatile MembershipView view;
    private volatile long handlerDrops;
    private volatile int handlerQueueDepth;

    Metrics(Rollcall node) {
        this.node = node;
        for (MemberStatus s : MemberStatus.values()) {
            Gauge.builder("rollcall.members", this, m -> m.view == null ? 0 : m.view.withStatus(s).size())
                    .tags("state", s.name().toLowerCase(Locale.ROOT)).description("members by state").register(registry);
        }
        counter("rollcall.probes.sent", "probes started", m -> m.health.probesSent());
        counter("rollcall.probes.failed", "probes that ended in a suspicion", m -> m.health.probesFailed());
        counter("rollcall.probes.unreachable", "probes ended early: nothing listened at the target's port",
                m -> m.health.probesUnreachable());
        counter("rollcall.suspicions", "members this node began to suspect", m -> m.health.suspicionsRaised());
        counter("rollcall.failures.declared", "suspicions this node let expire", m -> m.health.failuresDeclared());
        counter("rollcall.refutations", "suspicions about this node it refuted", m -> m.health.refutations());
        counter("rollcall.bytes.in", "bytes received", m -> m.health.bytesIn());
        counter("rollcall.bytes.out", "bytes sent", m -> m.health.bytesOut());
        Gauge.builder("rollcall.health.score", this, m -> m.health == null ? 0 : m.health.score())
                .description("Lifeguard local health score: 0 healthy, up to 7").register(registry);
        Gauge.builder("rollcall.event.queue.depth", this, m -> m.handlerQueueDepth)
                .description("membership events waiting for the event handlers").register(registry);
        Gauge.builder("rollcall.protocol.queue.depth", this, m -> m.health == null ? 0 : m.health.eventQueueDepth())
                .description("work waiting for the protocol thread").register(registry);
        FunctionCounter.builder("rollcall.event.handler.dropped", this, m -> m.handlerDrops)
                .description("events dropped because the event handler queue was full").register(registry);
    }

    private void counter(String name, String help, ToDoubleFunction<Metrics> f) {
        FunctionCounter.builder(name, this, m -> m.health == null ? 0 : f.applyAsDouble(m))
                .description(help).register(registry);
    }

    /**
     * @param eventHandlerDrops      events the handlers' full queue dropped
     * @param eventHandlerQueueDepth events waiting for the handlers
     * @return the Prometheus text exposition
     */
    synchronized String scrape(long eventHandlerDrops, int eventHandlerQueueDepth) {
        health = node.health();
        view = node.view();
        handlerDrops = eventHandlerDrops;
        handlerQueueDepth = eventHandlerQueueDepth;
        dynamic("rollcall.messages.in", "type", health.messagesIn(), "messages received by type");
        dynamic("rollcall.messages.out", "type", health.messagesOut(), "messages sent by type");
        dynamic("rollcall.dropped", "reason", health.dropped(), "input dropped by reason");
        return registry.scrape();
    }

    private void dynamic(String name, String tag, Map<String, Long> values, String help) {
        for (String key : values.keySet()) {
            if (registered.add(name + "/" + key)) {
                FunctionCounter.builder(name, this, m -> {
                    Map<String, Long> now = switch (name) {
                        case "rollcall.messages.in" -> m.health.messagesIn();
                        case "rollcall.messages.out" -> m.health.messagesOut();
                        default -> m.health.dropped();
                    };
                    return now.getOrDefault(key, 0L);
                }).tags(Tags.of(tag, key)).description(help).register(registry);
            }
        }
    }
}
