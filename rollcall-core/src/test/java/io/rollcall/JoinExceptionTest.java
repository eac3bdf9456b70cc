package io.rollcall;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class JoinExceptionTest {
    private final JoinException twoTimeouts = new JoinException(List.of(
            new JoinException.SeedFailure("10.0.0.1:7946", JoinException.Reason.TIMED_OUT, "no answer within 10000 ms"),
            new JoinException.SeedFailure("10.0.0.2:7946", JoinException.Reason.TIMED_OUT, "no answer within 10000 ms")));

    @Test
    void theMessageNamesEverySeedAndTheReasonsAreThereForCode() {
        assertThat(twoTimeouts).hasMessage("could not join any seed: 10.0.0.1:7946: no answer within 10000 ms; "
                + "10.0.0.2:7946: no answer within 10000 ms");
        assertThat(twoTimeouts.failures()).containsExactly("10.0.0.1:7946: no answer within 10000 ms",
                "10.0.0.2:7946: no answer within 10000 ms");
        assertThat(twoTimeouts.allFailedBecause(JoinException.Reason.TIMED_OUT)).isTrue();
        assertThat(twoTimeouts.allFailedBecause(JoinException.Reason.REFUSED)).isFalse();
        assertThat(new JoinException(List.of()).allFailedBecause(JoinException.Reason.TIMED_OUT)).isFalse();
    }

    @Test
    void afterJavaSerializationOnlyTheMessageRemainsAndNothingThrows() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(twoTimeouts);
        }
        JoinException copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (JoinException) in.readObject();
        }
        assertThat(copy).hasMessage(twoTimeouts.getMessage());
        assertThat(copy.seedFailures()).isEmpty();
        assertThat(copy.failures()).isEmpty();
        assertThat(copy.allFailedBecause(JoinException.Reason.TIMED_OUT)).isFalse();
    }
}
