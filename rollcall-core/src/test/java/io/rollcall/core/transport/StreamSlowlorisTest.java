package io.rollcall.core.transport;

import io.rollcall.core.Eventually;
import io.rollcall.core.node.LiveNode;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.engine.EngineConfig;
import io.rollcall.core.engine.JoinCompleted;
import io.rollcall.core.transport.TransportCounters.TransportDrop;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Slowloris against the gossip TCP port, on real loopback sockets with the default limits (128
 * streams, 8 per source): connections that send the first bytes of a push/pull and then trickle one
 * byte now and then, from one source address and from 130 (client sockets bound to 127.1.x.y), while
 * a real node joins through the attacked one. Before per-source slots and displacement, the slow
 * connections held every slot for the whole stream timeout and the join failed with "stream ends
 * after 0 bytes".
 */
class StreamSlowlorisTest {
    /** A few more than the default 128 slots, as in the finding. */
    private static final int SLOW_CONNECTIONS = 130;
    private static final long AWAIT_MILLIS = 8_000;
    /** Below the 10 s per-byte timeout, so that the slow connections never time out on their own. */
    private static final long TRICKLE_MILLIS = 2_000;

    private final List<LiveNode> nodes = new ArrayList<>();
    private final List<Socket> slow = new CopyOnWriteArrayList<>();
    private Thread trickler;

    @AfterEach
    void closeEverything() throws Exception {
        if (trickler != null) {
            trickler.interrupt();
            trickler.join(5_000);
        }
        for (Socket s : slow) {
            s.close();
        }
        for (LiveNode n : nodes) {
            n.close();
        }
    }

    private LiveNode start(String name, String ip, TransportConfig transport) throws IOException {
        LiveNode node = LiveNode.start(new LiveNode.Spec(name, Bytes.EMPTY, 1, EngineConfig.lan(),
                transport, true, null));
        nodes.add(node);
        return node;
    }

    private LiveNode start(String name, String ip) throws IOException {
        return start(name, ip, TransportConfig.of(Endpoint.parse(ip, 0)));
    }

    /** Opens one slow connection from {@code local}: a push/pull's type byte and the head of a long string. */
    private void openSlow(LiveNode target, String local) throws IOException {
        Socket s = new Socket();
        slow.add(s);
        s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
        s.connect(target.network().boundAddress().toSocketAddress(), 2_000);
        OutputStream out = s.getOutputStream();
        out.write(new byte[] {0x06, (byte) 0x81, (byte) 0xda, (byte) 0xff, (byte) 0xff});
        out.flush();
    }

    /** One more byte on every slow connection each {@link #TRICKLE_MILLIS}, as a slowloris does. */
    private void trickle() {
        trickler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(TRICKLE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                for (Socket s : slow) {
                    try {
                        s.getOutputStream().write('a');
                    } catch (IOException closedByServer) {
                        // Displaced or refused: the attacker would open another; this test keeps the count fixed.
                    }
                }
            }
        }, "slowloris");
        trickler.setDaemon(true);
        trickler.start();
    }

    private static long refusedOrDisplaced(LiveNode node) {
        Map<TransportDrop, Long> drops = node.network().transportCounters().transportDrops();
        return drops.get(TransportDrop.INBOUND_STREAM_LIMIT) + drops.get(TransportDrop.INBOUND_STREAM_SOURCE_LIMIT)
                + drops.get(TransportDrop.INBOUND_STREAM_DISPLACED);
    }

    private static void awaitAtLeast(LiveNode node, long n) throws InterruptedException {
        Eventually.await(n + " refused or displaced streams", AWAIT_MILLIS, () -> refusedOrDisplaced(node) >= n,
                () -> node.network().transportCounters().transportDrops().toString());
    }

    private void assertJoinSucceeds(LiveNode target) throws Exception {
        LiveNode joiner = start("joiner", "127.0.0.2");
        JoinCompleted joined = joiner.join(List.of(target.network().boundAddress())).get(AWAIT_MILLIS, TimeUnit.MILLISECONDS);
        assertThat(joined.succeeded()).as("join while slow connections are held: %s; drops %s", joined.failures(),
                target.network().transportCounters().transportDrops()).isEqualTo(1);
    }

    @Test
    void slowSendersFromOneSourceHoldAtMostItsShareAndAJoinStillSucceeds() throws Exception {
        LiveNode target = start("target", "127.0.0.1");
        for (int i = 0; i < SLOW_CONNECTIONS; i++) {
            openSlow(target, "127.0.0.3");
        }
        trickle();
        awaitAtLeast(target, SLOW_CONNECTIONS - TransportConfig.DEFAULT_MAX_INBOUND_STREAMS_PER_SOURCE);
        assertJoinSucceeds(target);
        // The source only ever displaced its own connections: all counted, none refused outright.
        assertThat(target.network().transportCounters().transportDrops().get(TransportDrop.INBOUND_STREAM_DISPLACED))
                .isEqualTo(SLOW_CONNECTIONS - TransportConfig.DEFAULT_MAX_INBOUND_STREAMS_PER_SOURCE);
    }

    @Test
    void slowSendersFromManySourcesCannotKeepAJoinOut() throws Exception {
        LiveNode target = start("target", "127.0.0.1");
        for (int i = 0; i < SLOW_CONNECTIONS; i++) {
            openSlow(target, "127.1." + (i / 200) + "." + (1 + i % 200));
        }
        trickle();
        awaitAtLeast(target, SLOW_CONNECTIONS - 128);
        assertJoinSucceeds(target);
        assertThat(target.network().transportCounters().transportDrops().get(TransportDrop.INBOUND_STREAM_DISPLACED))
                .as("slow connections displaced: by the 2 extra ones and by the join")
                .isGreaterThanOrEqualTo(SLOW_CONNECTIONS - 128 + 1);
    }

    @Test
    void aStreamThatTricklesPastItsTotalDeadlineIsClosedAndCounted() throws Exception {
        // The per-byte timeout (10 s) never fires: each byte comes within it; the total deadline does.
        LiveNode target = start("target", "127.0.0.1", TransportConfig.of(Endpoint.parse("127.0.0.1", 0))
                .withInboundStreams(128, 8, 1_000));
        openSlow(target, "127.0.0.3");
        Socket s = slow.get(0);
        long started = System.nanoTime();
        s.setSoTimeout((int) AWAIT_MILLIS);
        boolean closed = false;
        while (!closed && System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(AWAIT_MILLIS)) {
            try {
                s.getOutputStream().write('a');
                Thread.sleep(100);
            } catch (IOException closedByServer) {
                closed = true;
            }
        }
        assertThat(closed).as("the server closed the trickling stream").isTrue();
        Eventually.await("deadline drop counted", AWAIT_MILLIS,
                () -> target.network().transportCounters().transportDrops().get(TransportDrop.INBOUND_STREAM_DEADLINE) >= 1,
                () -> target.network().transportCounters().transportDrops().toString());
    }

    @Test
    void aSeedThatClosesWithoutAnsweringIsReportedAsSuchNotAsAnEmptyStream() throws Exception {
        try (java.net.ServerSocket closer = new java.net.ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Thread acceptor = new Thread(() -> {
                try (Socket s = closer.accept()) {
                    s.getInputStream().readNBytes(1); // the request has begun; close without a word
                } catch (IOException ignored) {
                    // The test ends either way.
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            LiveNode joiner = start("joiner", "127.0.0.2");
            JoinCompleted joined = joiner.join(List.of(Endpoint.parse("127.0.0.1", closer.getLocalPort())))
                    .get(AWAIT_MILLIS, TimeUnit.MILLISECONDS);
            assertThat(joined.failures()).singleElement().asString()
                    .contains("closed the connection without answering").doesNotContain("0 bytes");
        }
    }
}
