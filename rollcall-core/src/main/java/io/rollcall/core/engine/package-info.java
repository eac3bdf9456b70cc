/**
 * The sans-I/O SWIM/Lifeguard protocol: {@link io.rollcall.core.engine.MembershipEngine} takes
 * messages, timer ticks and commands and returns messages, timers and events through its {@link
 * io.rollcall.core.engine.Outbox}; with it live its parts (member table, probe ring, suspicion,
 * awareness, broadcast queue, timeouts). The same engine runs on the real transport and in the
 * deterministic simulator.
 *
 * <p>May depend on: {@code io.rollcall.core} values, {@code core.message}, the JDK's collections and
 * {@link java.util.random.RandomGenerator}. Never on I/O, threads, the system clock or a random source
 * of its own: time comes from the injected {@link io.rollcall.core.engine.Clock}, randomness from the
 * injected generator (checked by {@code ArchitectureTest}).
 */
package io.rollcall.core.engine;
