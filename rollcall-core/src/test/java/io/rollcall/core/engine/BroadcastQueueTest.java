package io.rollcall.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.VersionVector;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.WireSizes;
import org.junit.jupiter.api.Test;

/** The gossip queue is bounded in bytes as well as in updates. */
class BroadcastQueueTest {
    private static Alive alive(int i, int metaBytes) {
        return new Alive(1, "member-" + i, Endpoint.parse("10.0.0.1:" + (1000 + i), 0), Bytes.of(new byte[metaBytes]),
                VersionVector.ROLLCALL);
    }

    @Test
    void updatesWithLargeMetadataAreHeldToTheByteLimitMostSentFirstOut() {
        long maxBytes = 100_000;
        BroadcastQueue queue = new BroadcastQueue(8_192, maxBytes);
        queue.enqueue("member-0", alive(0, 511));
        queue.take(1_400, 10, 100);
        for (int i = 1; i < 1_000; i++) {
            queue.enqueue("member-" + i, alive(i, 511));
            assertThat(queue.bytes()).isLessThanOrEqualTo(maxBytes);
        }
        long each = WireSizes.of(alive(999, 511)) + BroadcastQueue.ITEM_OVERHEAD_BYTES;
        assertThat(queue.size()).isEqualTo((int) (maxBytes / each));
        assertThat(queue.droppedForSpace()).isEqualTo(1_000 - queue.size());
        // The one sent already went first.
        assertThat(queue.take(1_400, 1, 100)).extracting(m -> ((Alive) m).node()).containsExactly("member-999");
    }

    @Test
    void takingAndReplacingUpdatesKeepsTheAccountExact() {
        BroadcastQueue queue = new BroadcastQueue(8_192, 1_000_000);
        for (int i = 0; i < 50; i++) {
            queue.enqueue("member-" + i, alive(i, 100));
            queue.enqueue("member-" + i, alive(i, 10));
        }
        while (queue.size() > 0) {
            queue.take(1_400, 10, 2);
        }
        assertThat(queue.bytes()).isZero();
    }
}
