/**
 * The real network: UDP and TCP sockets, the single protocol thread that owns the engine and is handed
 * work through a queue, stream admission with per-source fairness, address parsing and advertising, and
 * the transport's counters and the system clock ({@link io.rollcall.core.transport.SystemClock}).
 * {@link io.rollcall.core.transport.NetworkNode} drives one engine over these sockets; what the engine
 * is used for (Serf's semantics, listeners, command futures) is assembled in {@code core.node}.
 *
 * <p>May depend on: {@code io.rollcall.core} values, {@code core.engine}, {@code core.codec},
 * {@code core.message}, {@code core.security}, the JDK's networking and concurrency; never on Serf,
 * the view, {@code core.node} or the public package. Only {@code core.node} and the public package
 * depend on it (the public {@code io.rollcall.ConnectionAdmission}, which the agent's HTTP server uses,
 * delegates to {@code ConnectionSlots}); the simulator never does (checked by {@code ArchitectureTest}).
 */
package io.rollcall.core.transport;
