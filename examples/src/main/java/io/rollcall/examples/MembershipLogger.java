package io.rollcall.examples;

import io.rollcall.ClusterMember;
import io.rollcall.MembershipChange;
import io.rollcall.MembershipListener;
import io.rollcall.MembershipView;
import io.rollcall.Profile;
import io.rollcall.Rollcall;
import io.rollcall.RollcallConfig;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A tiny service that joins a cluster, logs every membership change and prints the reachable nodes
 * every few seconds. Run it three times on one machine:
 *
 * <pre>
 *   java -cp ... io.rollcall.examples.MembershipLogger a 127.0.0.1:7001
 *   java -cp ... io.rollcall.examples.MembershipLogger b 127.0.0.1:7002 127.0.0.1:7001
 *   java -cp ... io.rollcall.examples.MembershipLogger c 127.0.0.1:7003 127.0.0.1:7001
 * </pre>
 *
 * Stop one with Ctrl-C (it leaves) or kill -9 (it fails) and watch the others.
 */
public final class MembershipLogger {
    private MembershipLogger() {
    }

    /**
     * @param args node name, bind address, then seeds to join
     * @throws Exception if the node cannot start
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: MembershipLogger NAME BIND_IP:PORT [SEED_IP:PORT ...]");
            System.exit(2);
        }
        RollcallConfig.Builder config = RollcallConfig.builder(args[0]).bind(args[1]).profile(Profile.LAN)
                .metadata("example", "membership-logger");
        for (int i = 2; i < args.length; i++) {
            config.seed(args[i]);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Rollcall node = Rollcall.start(config.build());
        // Ctrl-C or SIGTERM: leave gracefully, so the others show this node as left, not failed.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }));
        node.subscribe(new MembershipListener() {
            @Override
            public void onSnapshot(MembershipView view, boolean resync) {
                System.out.println((resync ? "resync" : "start") + " at version " + view.version() + ": "
                        + names(view));
            }

            @Override
            public void onChange(MembershipChange change) {
                System.out.println("v" + change.version() + " " + change.kind() + " " + change.member().name()
                        + " " + change.member().address());
            }
        });
        if (!node.config().seeds().isEmpty()) {
            int joined = node.join().get(15, TimeUnit.SECONDS);
            System.out.println("joined through " + joined + " seed(s)");
        }
        while (!stopped.await(5, TimeUnit.SECONDS)) {
            System.out.println("reachable: " + names(node.view()));
        }
    }

    private static String names(MembershipView view) {
        return view.reachable().stream().map(ClusterMember::name).collect(Collectors.joining(", "));
    }
}
