package io.rollcall.examples;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rollcall.MembershipChange;
import io.rollcall.MembershipUpdate;
import io.rollcall.MembershipView;
import io.rollcall.Profile;
import io.rollcall.Rollcall;
import io.rollcall.RollcallConfig;
import io.rollcall.micrometer.RollcallMetrics;
import java.util.concurrent.Flow;

/**
 * The Flow adapter and the Micrometer binding, as docs/API.md shows them (the snippets there are
 * these lines; ApiDocSnippetsTest checks they match). Runs one node on loopback for a few seconds.
 */
public final class FlowAndMetrics {
    private FlowAndMetrics() {
    }

    // snippet:flow-subscriber
    /** Takes one item at a time: the node buffers the rest (and resyncs it if it falls far behind). */
    static final class ChangePrinter implements Flow.Subscriber<MembershipUpdate> {
        private Flow.Subscription subscription;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(MembershipUpdate update) {
            if (update instanceof MembershipView view) {
                System.out.println("whole view at version " + view.version() + ": " + view.reachable().size() + " reachable");
            } else if (update instanceof MembershipChange change) {
                System.out.println(change.version() + " " + change.kind() + " " + change.member().name());
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable failure) {
            failure.printStackTrace();
        }

        @Override
        public void onComplete() {
            System.out.println("node closed");
        }
    }
    // end:flow-subscriber

    /**
     * @param args ignored
     * @throws Exception if the node cannot start
     */
    public static void main(String[] args) throws Exception {
        RollcallConfig config = RollcallConfig.builder("flow-demo").bind("127.0.0.1:0").profile(Profile.LOCAL).build();
        try (Rollcall node = Rollcall.start(config)) {
            // snippet:flow
            node.changes().subscribe(new ChangePrinter());
            // Reactor:  Flux<MembershipUpdate> flux = JdkFlowAdapter.flowPublisherToFlux(node.changes());
            // RxJava 3: Flowable.fromPublisher(FlowAdapters.toPublisher(node.changes()));
            // end:flow

            // snippet:micrometer
            MeterRegistry registry = new SimpleMeterRegistry();   // or Prometheus, Datadog, ...
            new RollcallMetrics(node).bindTo(registry);
            double alive = registry.get("rollcall.members").tag("state", "alive").gauge().value();
            // end:micrometer
            System.out.println("alive members: " + alive);
            Thread.sleep(2_000);
        }
    }
}
