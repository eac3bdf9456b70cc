package io.rollcall.core.engine;

import java.util.random.RandomGenerator;

/**
 * What every part of the engine shares: its configuration, time, randomness, the outbox its effects
 * go to, the member table, our own entry in it and the counters. The parts ({@link Dissemination},
 * {@link Suspicions}, ...) get this and the few other parts they use, never the engine itself, so
 * that each part's reach is visible in its constructor.
 *
 * @param config   timing and limits
 * @param clock    the engine's time
 * @param random   the engine's randomness
 * @param out      where effects go
 * @param table    every member we know
 * @param self     our own entry in {@code table}
 * @param counters the engine's counters
 */
record EngineContext(EngineConfig config, Clock clock, RandomGenerator random, Outbox out, MemberTable table,
                     MemberEntry self, EngineCounters counters) {
}
