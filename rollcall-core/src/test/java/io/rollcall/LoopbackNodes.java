package io.rollcall;

import io.rollcall.core.Eventually;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Real nodes on loopback for one test, on the LOCAL profile, all closed at the end. */
final class LoopbackNodes implements AutoCloseable {
    private final List<Rollcall> nodes = new ArrayList<>();

    /** @return a started node named {@code name} on 127.0.0.1, a free port */
    Rollcall node(String name) throws IOException {
        return node(RollcallConfig.builder(name).bind("127.0.0.1:0").profile(Profile.LOCAL));
    }

    Rollcall node(RollcallConfig.Builder builder) throws IOException {
        Rollcall r = Rollcall.start(builder.build());
        nodes.add(r);
        return r;
    }

    List<Rollcall> all() {
        return nodes;
    }

    @Override
    public void close() {
        nodes.forEach(Rollcall::close);
    }

    static void await(String what, BooleanSupplier condition) {
        await(what, TimeUnit.SECONDS.toMillis(20), condition, () -> "");
    }

    /** Polls (no timing assertion: the bound only ends a wait that would fail anyway). */
    static void await(String what, long timeoutMillis, BooleanSupplier condition, Supplier<String> seen) {
        Eventually.await(what, timeoutMillis, condition, seen);
    }
}
