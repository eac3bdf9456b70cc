package io.rollcall.core.engine;

import java.util.random.RandomGenerator;

/**
 * A part of the engine ({@link Prober}, {@link Suspicions}, {@link Dissemination}, ...): what every
 * part shares comes from the {@link EngineContext} once, here, so that a part's own constructor lists
 * only the other parts it uses, never the engine itself, and its reach stays visible there.
 */
abstract class EnginePart {
    /** Timing and limits. */
    final EngineConfig config;
    /** The engine's time. */
    final Clock clock;
    /** The engine's randomness. */
    final RandomGenerator random;
    /** Where effects go. */
    final Outbox out;
    /** Every member we know. */
    final MemberTable table;
    /** Our own entry in {@link #table}. */
    final MemberEntry self;
    /** The engine's counters. */
    final EngineCounters counters;

    EnginePart(EngineContext context) {
        this.config = context.config();
        this.clock = context.clock();
        this.random = context.random();
        this.out = context.out();
        this.table = context.table();
        this.self = context.self();
        this.counters = context.counters();
    }
}
