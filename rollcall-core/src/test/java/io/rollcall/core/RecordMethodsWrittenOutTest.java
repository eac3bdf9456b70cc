package io.rollcall.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.engine.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The records compared on the protocol thread from the first packet on (endpoints, timers being
 * cancelled) write out equals, hashCode and toString. A record's generated methods are linked
 * through invokedynamic ({@code java.lang.runtime.ObjectMethods}) on their first call; in a JVM
 * that has just started, among 31 others on two cores, that linking was a tenth of the protocol
 * thread's start-up CPU (docs/PERFORMANCE.md). The class file names the bootstrap only if some
 * method still relies on it.
 */
class RecordMethodsWrittenOutTest {

    @Test
    void endpointAndEveryTimerDoWithoutTheObjectMethodsBootstrap() throws IOException {
        List<Class<?>> records = new ArrayList<>();
        records.add(Endpoint.class);
        for (Class<?> c : Timer.class.getPermittedSubclasses()) {
            records.add(c);
        }
        assertThat(records).hasSizeGreaterThan(10);
        for (Class<?> c : records) {
            assertThat(classFileText(c)).as(c.getName()).doesNotContain("java/lang/runtime/ObjectMethods");
        }
    }

    @Test
    void writtenOutMethodsKeepRecordSemantics() {
        Endpoint a = Endpoint.parse("127.0.0.1:7946", 0);
        assertThat(a).isEqualTo(Endpoint.parse("127.0.0.1:7946", 0)).isNotEqualTo(Endpoint.parse("127.0.0.1:7947", 0))
                .isNotEqualTo(Endpoint.parse("127.0.0.2:7946", 0)).isNotEqualTo(null);
        assertThat(a.hashCode()).isEqualTo(Endpoint.parse("127.0.0.1:7946", 0).hashCode());
        assertThat(new Timer.SuspicionTimeout("n1", 3)).isEqualTo(new Timer.SuspicionTimeout("n1", 3))
                .isNotEqualTo(new Timer.SuspicionTimeout("n1", 4)).isNotEqualTo(new Timer.SuspicionTimeout("n2", 3))
                .hasSameHashCodeAs(new Timer.SuspicionTimeout("n1", 3));
        assertThat(new Timer.ProbeTimeout(7)).isEqualTo(new Timer.ProbeTimeout(7)).isNotEqualTo(new Timer.ProbeTimeout(8))
                .isNotEqualTo(new Timer.ProbeDeadline(7)).hasToString("ProbeTimeout[seqNo=7]");
        assertThat(new Timer.ProbeTick()).isEqualTo(new Timer.ProbeTick()).isNotEqualTo(new Timer.GossipTick())
                .hasSameHashCodeAs(new Timer.ProbeTick()).hasToString("ProbeTick");
    }

    private static String classFileText(Class<?> c) throws IOException {
        String resource = "/" + c.getName().replace('.', '/') + ".class";
        try (InputStream in = c.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
