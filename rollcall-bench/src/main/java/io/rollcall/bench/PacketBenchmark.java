package io.rollcall.bench;

import io.rollcall.core.codec.CodecConfig;
import io.rollcall.core.codec.DecodeResult;
import io.rollcall.core.codec.PacketCodec;
import io.rollcall.core.message.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** A busy gossip datagram: an ack piggybacking 3 alive, 3 suspect and 3 dead messages, with CRC. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PacketBenchmark {
    private final PacketCodec packets = new PacketCodec(CodecConfig.DEFAULT);
    private List<Message> parts;
    private byte[] compound;

    @Setup
    public void setUp() {
        parts = new ArrayList<>();
        parts.add(Fixtures.message("ack"));
        for (int i = 0; i < 3; i++) {
            parts.add(Fixtures.message("alive"));
            parts.add(Fixtures.message("suspect"));
            parts.add(Fixtures.message("dead"));
        }
        compound = packets.encode(parts, true);
        DecodeResult check = packets.decode(compound);
        if (!check.isClean() || !check.messages().equals(parts)) {
            throw new IllegalStateException("compound does not round-trip: " + check);
        }
    }

    @Benchmark
    public byte[] packCompound() {
        return packets.encode(parts, true);
    }

    @Benchmark
    public DecodeResult unpackCompound() {
        return packets.decode(compound);
    }
}
