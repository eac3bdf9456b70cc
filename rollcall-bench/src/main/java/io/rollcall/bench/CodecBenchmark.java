package io.rollcall.bench;

import io.rollcall.core.codec.CodecConfig;
import io.rollcall.core.codec.DecodeResult;
import io.rollcall.core.codec.MessageCodec;
import io.rollcall.core.codec.StreamCodec;
import io.rollcall.core.message.Message;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding and decoding of every message type, and of a compound packet. Push/pull (and the error
 * response) travel on streams, so they go through {@link StreamCodec} (with memberlist's default
 * stream compression); the others through {@link MessageCodec}, as one datagram or compound part.
 * Compound packets: {@link PacketBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
    @Param({"ping", "indirectPing", "ack", "nack", "suspect", "alive", "dead", "user", "error", "pushPull32"})
    public String type;

    private final StreamCodec streams = new StreamCodec(CodecConfig.DEFAULT);
    private Message message;
    private boolean onStream;
    private byte[] encoded;

    @Setup
    public void setUp() {
        message = Fixtures.message(type);
        onStream = type.equals("pushPull32") || type.equals("error");
        encoded = onStream ? streams.encode(message) : MessageCodec.encode(message);
        DecodeResult check = decode();
        if (!check.isClean() || !check.messages().get(0).equals(message)) {
            throw new IllegalStateException(type + " does not round-trip: " + check);
        }
    }

    @Benchmark
    public byte[] encode() {
        return onStream ? streams.encode(message) : MessageCodec.encode(message);
    }

    @Benchmark
    public DecodeResult decode() {
        if (onStream) {
            try {
                return streams.read(new ByteArrayInputStream(encoded));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return MessageCodec.decode(encoded, 0, encoded.length);
    }
}
