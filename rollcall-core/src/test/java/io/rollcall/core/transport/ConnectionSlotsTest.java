package io.rollcall.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Closeable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConnectionSlotsTest {
    /** A connection that records whether it was closed. */
    private static final class Conn implements Closeable {
        final InetAddress source;
        boolean closed;

        Conn(InetAddress source) {
            this.source = source;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static InetAddress ip(String text) throws UnknownHostException {
        return InetAddress.getByName(text);
    }

    @Test
    void aSourceAtItsCapDisplacesOnlyItsOwnOldestReadingConnection() throws Exception {
        ConnectionSlots slots = new ConnectionSlots(10, 2);
        Conn other = new Conn(ip("10.0.0.9"));
        slots.admit(other.source, other);
        Conn a1 = new Conn(ip("10.0.0.1"));
        Conn a2 = new Conn(ip("10.0.0.1"));
        Conn a3 = new Conn(ip("10.0.0.1"));
        slots.admit(a1.source, a1);
        slots.admit(a2.source, a2);
        ConnectionSlots.Admission third = slots.admit(a3.source, a3);
        assertThat(third.slot()).isNotNull();
        assertThat(third.displaced()).isNotNull();
        assertThat(a1.closed).isTrue();
        assertThat(a2.closed || other.closed).isFalse();
        assertThat(slots.inUse()).isEqualTo(3);
    }

    @Test
    void aSourceWhoseSlotsAreAllAnsweringIsRefused() throws Exception {
        ConnectionSlots slots = new ConnectionSlots(10, 2);
        for (int i = 0; i < 2; i++) {
            Conn c = new Conn(ip("10.0.0.1"));
            assertThat(slots.admit(c.source, c).slot().answering()).isTrue();
        }
        Conn c = new Conn(ip("10.0.0.1"));
        assertThat(slots.admit(c.source, c).refusal()).isEqualTo(ConnectionSlots.Refusal.PER_SOURCE_LIMIT);
        assertThat(slots.inUse()).isEqualTo(2);
    }

    @Test
    void whenFullTheBusiestSourceGivesWayAndNoSourceIsPushedBelowTheNewcomersShare() throws Exception {
        ConnectionSlots slots = new ConnectionSlots(4, 4);
        Conn b1 = new Conn(ip("10.0.0.2"));
        slots.admit(b1.source, b1);
        List<Conn> a = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Conn c = new Conn(ip("10.0.0.1"));
            a.add(c);
            slots.admit(c.source, c);
        }
        Conn newcomer = new Conn(ip("10.0.0.3"));
        ConnectionSlots.Admission in = slots.admit(newcomer.source, newcomer);
        assertThat(in.slot()).isNotNull();
        assertThat(a.get(0).closed).as("the busiest source's oldest gave way").isTrue();
        assertThat(b1.closed).as("the older connection of a source holding one is kept").isFalse();
        // 10.0.0.1 now holds 2: a second from 10.0.0.3 (then holding 2) may take from it; a third
        // (then holding 3) may not, since no source holds 3.
        Conn second = new Conn(ip("10.0.0.3"));
        assertThat(slots.admit(second.source, second).slot()).isNotNull();
        assertThat(a.get(1).closed).isTrue();
        Conn third = new Conn(ip("10.0.0.3"));
        assertThat(slots.admit(third.source, third).refusal()).isEqualTo(ConnectionSlots.Refusal.TOTAL_LIMIT);
    }

    @Test
    void closingFreesTheSlotOnceAndADisplacedSlotCannotStartAnswering() throws Exception {
        ConnectionSlots slots = new ConnectionSlots(1, 1);
        Conn first = new Conn(ip("10.0.0.1"));
        ConnectionSlots.Slot s1 = slots.admit(first.source, first).slot();
        Conn second = new Conn(ip("10.0.0.1"));
        ConnectionSlots.Slot s2 = slots.admit(second.source, second).slot();
        assertThat(s1.displaced()).isTrue();
        assertThat(s1.answering()).isFalse();
        s1.close();
        assertThat(slots.inUse()).as("closing a displaced slot frees nothing twice").isEqualTo(1);
        s2.close();
        s2.close();
        assertThat(slots.inUse()).isZero();
    }

    @Test
    void ipv6SourcesCountByTheirSlash64() throws Exception {
        ConnectionSlots slots = new ConnectionSlots(10, 1);
        Conn a = new Conn(ip("2001:db8:1:2::1"));
        Conn b = new Conn(ip("2001:db8:1:2::ffff"));
        slots.admit(a.source, a);
        slots.admit(b.source, b);
        assertThat(a.closed).as("same /64: the second displaced the first").isTrue();
    }

    /** Seeded: whatever the order of arrivals and closes, the bounds hold and the books balance. */
    @Test
    void boundsHoldUnderRandomArrivalsAnswersAndCloses() throws Exception {
        long seed = 0x5107L;
        SplittableRandom random = new SplittableRandom(seed);
        ConnectionSlots slots = new ConnectionSlots(16, 4);
        List<ConnectionSlots.Slot> live = new ArrayList<>();
        Map<ConnectionSlots.Slot, InetAddress> sourceOf = new HashMap<>();
        for (int step = 0; step < 20_000; step++) {
            int op = random.nextInt(10);
            if (op < 6) {
                InetAddress source = ip("10.0.0." + (1 + random.nextInt(8)));
                Conn c = new Conn(source);
                ConnectionSlots.Admission adm = slots.admit(source, c);
                if (adm.slot() != null) {
                    live.add(adm.slot());
                    sourceOf.put(adm.slot(), source);
                }
                if (adm.displaced() != null) {
                    assertThat(live.remove(adm.displaced())).as("seed %s step %d: displaced a live slot", seed, step).isTrue();
                }
            } else if (op < 8 && !live.isEmpty()) {
                live.get(random.nextInt(live.size())).answering();
            } else if (!live.isEmpty()) {
                live.remove(random.nextInt(live.size())).close();
            }
            assertThat(slots.inUse()).as("seed %s step %d", seed, step).isEqualTo(live.size()).isLessThanOrEqualTo(16);
            Map<InetAddress, Integer> perSource = new HashMap<>();
            for (ConnectionSlots.Slot s : live) {
                perSource.merge(sourceOf.get(s), 1, Integer::sum);
            }
            assertThat(perSource.values()).as("seed %s step %d", seed, step).allMatch(n -> n <= 4);
        }
    }
}
