package io.rollcall.agent;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.rollcall.Rollcall;
import io.rollcall.micrometer.RollcallMetrics;
import java.time.Duration;

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

    Metrics(Rollcall node) {
        // Numbers are refreshed by each scrape; between scrapes nothing reads them.
        this.nodeMetrics = new RollcallMetrics(node, Tags.empty(), Duration.ofDays(1));
        nodeMetrics.bindTo(registry);
        Gauge.builder("rollcall.event.queue.depth", this, m -> m.handlerQueueDepth)
                .description("membership events waiting for the event handlers").register(registry);
        FunctionCounter.builder("rollcall.event.handler.dropped", this, m -> m.handlerDrops)
                .description("events dropped because the event handler queue was full").register(registry);
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
        return registry.scrape();
    }
}
