package io.rollcall.agent;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.Collector;
import io.rollcall.DiscoveryCounters;
import io.rollcall.ProbeRoundTrips;
import io.rollcall.Rollcall;
import io.rollcall.micrometer.RollcallMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Prometheus metrics through Micrometer: the node's meters from {@link RollcallMetrics} (what an
 * embedded user binds too), plus the agent's own event-handler queue depth and drops. Each scrape takes new numbers
 * first, so the numbers in one scrape are consistent with each other and current.
 */
final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RollcallMetrics nodeMetrics;
    private volatile long handlerDrops;
    private volatile int handlerQueueDepth;
    private final Rollcall node;
    private volatile DiscoveryCounters discovery;
    private volatile ProbeRoundTrips roundTrips;

    Metrics(Rollcall node) {
        // Numbers are refreshed by each scrape; between scrapes nothing reads them.
        this.nodeMetrics = new RollcallMetrics(node, Tags.empty(), Duration.ofDays(1));
        nodeMetrics.bindTo(registry);
        Gauge.builder("rollcall.event.queue.depth", this, m -> m.handlerQueueDepth)
                .description("membership events waiting for the event handlers").register(registry);
        FunctionCounter.builder("rollcall.event.handler.dropped", this, m -> m.handlerDrops)
                .description("events dropped because the event handler queue was full").register(registry);
        this.node = node;
        discoveryCounter("rollcall.seed.lookups", "times a seed provider was asked for addresses", DiscoveryCounters::lookups);
        discoveryCounter("rollcall.seed.lookup.failures", "seed lookups that failed (unknown name, no DNS answer); retried",
                DiscoveryCounters::lookupFailures);
        discoveryCounter("rollcall.join.attempts", "join attempts: start-up, rejoin while alone, refresh", DiscoveryCounters::joinAttempts);
        discoveryCounter("rollcall.join.failures", "join attempts no seed answered", DiscoveryCounters::joinFailures);
        discoveryCounter("rollcall.name.conflicts", "names claimed at a second address while held by a live member",
                DiscoveryCounters::nameConflicts);
        // Counted by the engine in fixed buckets: Micrometer has no meter for a histogram counted
        // elsewhere, so its Prometheus registry gets the family directly, in the same scrape.
        registry.getPrometheusRegistry().register(new Collector() {
            @Override
            public List<MetricFamilySamples> collect() {
                ProbeRoundTrips rt = roundTrips;
                return rt == null ? List.of() : List.of(probeRttFamily(rt));
            }
        });
    }

    /** {@code rollcall_probe_rtt_seconds{path="direct"|"indirect"}}: acknowledged probes' round trips. */
    static Collector.MetricFamilySamples probeRttFamily(ProbeRoundTrips rt) {
        String name = "rollcall_probe_rtt_seconds";
        List<Collector.MetricFamilySamples.Sample> samples = new ArrayList<>();
        addHistogram(samples, name, "direct", rt.directHistogram());
        addHistogram(samples, name, "indirect", rt.indirectHistogram());
        return new Collector.MetricFamilySamples(name, Collector.Type.HISTOGRAM,
                "round trips of acknowledged probes, from the ping to its ack: direct, or relayed by a helper", samples);
    }

    private static void addHistogram(List<Collector.MetricFamilySamples.Sample> out, String name, String path,
                                     ProbeRoundTrips.Histogram h) {
        long cumulative = 0;
        List<String> labels = List.of("path", "le");
        for (int i = 0; i < h.counts().size(); i++) {
            cumulative += h.counts().get(i);
            String le = i < h.upperBounds().size() ? Collector.doubleToGoString(h.upperBounds().get(i).toNanos() / 1e9) : "+Inf";
            out.add(new Collector.MetricFamilySamples.Sample(name + "_bucket", labels, List.of(path, le), cumulative));
        }
        out.add(new Collector.MetricFamilySamples.Sample(name + "_count", List.of("path"), List.of(path), cumulative));
        out.add(new Collector.MetricFamilySamples.Sample(name + "_sum", List.of("path"), List.of(path), h.sum().toNanos() / 1e9));
    }

    private void discoveryCounter(String name, String help, java.util.function.ToDoubleFunction<DiscoveryCounters> f) {
        FunctionCounter.builder(name, this, m -> m.discovery == null ? 0 : f.applyAsDouble(m.discovery))
                .description(help).register(registry);
    }

    /**
     * @param eventHandlerDrops      events the handlers' full queue dropped
     * @param eventHandlerQueueDepth events waiting for the handlers
     * @return the Prometheus text exposition
     */
    synchronized String scrape(long eventHandlerDrops, int eventHandlerQueueDepth) {
        handlerDrops = eventHandlerDrops;
        handlerQueueDepth = eventHandlerQueueDepth;
        nodeMetrics.refresh();
        discovery = node.discoveryCounters();
        try {
            roundTrips = node.roundTrips();
        } catch (IllegalStateException stopped) {
            // Stopping: the last numbers stand.
        }
        return registry.scrape();
    }
}
