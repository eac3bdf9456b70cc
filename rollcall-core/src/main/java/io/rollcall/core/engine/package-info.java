/**
 * The sans-I/O SWIM/Lifeguard protocol: {@link io.rollcall.core.engine.MembershipEngine} takes
 * messages, timer ticks and commands and returns messages, timers and events through its {@link
 * io.rollcall.core.engine.Outbox}. The engine is the coordinator; each mechanism lives in the part
 * named after it, which owns its state and sees only the shared {@code EngineContext} and the
 * parts it uses: {@code GossipRules} (how a claim changes what we hold), {@code Prober} (failure
 * detection, with {@code ProbeRing} and {@code Awareness}), {@code Suspicions} (Lifeguard's
 * suspicion, with {@code Suspicion}; refutation; the {@link io.rollcall.core.engine.IncarnationRule
 * incarnation bounds}), {@code Dissemination} (gossip, with {@code BroadcastQueue}),
 * {@code StateExchange} (join, push/pull, merge), {@code MemberTable} with {@code MemberTableRules}
 * (admission, eviction, reap) and {@code PendingStreams}, {@code DecisionRecords} (each member's
 * last transitions with their evidence, {@link io.rollcall.core.engine.DecisionRecord}) and
 * {@code Isolation} (the isolation hold: our own ingress at fault, so no refutation for a while);
 * {@code Timeouts} holds the formulas. The
 * same engine runs on the real transport and in the deterministic simulator.
 *
 * <p>May depend on: {@code io.rollcall.core} values, {@code core.message}, the JDK's collections and
 * {@link java.util.random.RandomGenerator}. Never on I/O, threads, the system clock or a random source
 * of its own: time comes from the injected {@link io.rollcall.core.engine.Clock}, randomness from the
 * injected generator (checked by {@code ArchitectureTest}).
 */
package io.rollcall.core.engine;
