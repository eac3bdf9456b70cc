package io.rollcall.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.message.Ack;
import io.rollcall.core.message.Dead;
import io.rollcall.core.message.ErrorResponse;
import io.rollcall.core.message.IndirectPing;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.Nack;
import io.rollcall.core.message.Ping;
import io.rollcall.core.message.PushPull;
import io.rollcall.core.message.Suspect;
import io.rollcall.core.message.UserData;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Messages are handled exhaustively: every message record the sealed {@link Message} family permits
 * is either handled when it arrives in a datagram or refused there on purpose (counted as
 * {@link DropReason#UNEXPECTED_MESSAGE}), and nothing else is. A new message record fails this test
 * until it is given a datagram example here and the engine handles or deliberately refuses it.
 * (Timers need no such test: {@link Timer.Handler} makes the compiler check them.)
 */
class MessageDispatchTest {

    /** One example of every message record, and whether a datagram carrying it is handled. */
    private static final Map<Message, Boolean> HANDLED_IN_A_DATAGRAM = Map.of(
            new Ping(7, "self", null, ""), true,
            new IndirectPing(7, EngineHarness.addr(3), EngineHarness.name(3), true, EngineHarness.addr(2), EngineHarness.name(2)), true,
            new Ack(99, Bytes.EMPTY), true,
            new Nack(99), true,
            EngineHarness.alive(4, 1), true,
            new Suspect(1, EngineHarness.name(2), EngineHarness.name(3)), true,
            new Dead(1, EngineHarness.name(3), EngineHarness.name(2)), true,
            new UserData(Bytes.EMPTY), true,
            // State exchanges and their refusals travel on streams only.
            new PushPull(false, List.of(), Bytes.EMPTY), false,
            new ErrorResponse("no"), false);

    @Test
    void everyMessageRecordHasAnExample() {
        Set<Class<?>> examples = new HashSet<>();
        HANDLED_IN_A_DATAGRAM.keySet().forEach(m -> examples.add(m.getClass()));
        assertThat(examples).as("every permitted message record").containsExactlyInAnyOrderElementsOf(messageRecords());
    }

    @Test
    void theEngineHandlesExactlyTheMessagesItShouldInADatagram() {
        HANDLED_IN_A_DATAGRAM.forEach((message, handled) -> {
            EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(3);
            h.receive(2, message);
            long unexpected = h.engine.counters().dropped(DropReason.UNEXPECTED_MESSAGE);
            assertThat(unexpected).as(message.getClass().getSimpleName()).isEqualTo(handled ? 0 : 1);
        });
    }

    /** The records at the leaves of the sealed message family. */
    private static Set<Class<?>> messageRecords() {
        Set<Class<?>> records = new HashSet<>();
        Deque<Class<?>> open = new ArrayDeque<>(List.of(Message.class));
        while (!open.isEmpty()) {
            Class<?> c = open.pop();
            if (c.isSealed()) {
                open.addAll(List.of(c.getPermittedSubclasses()));
            } else {
                records.add(c);
            }
        }
        return records;
    }
}
