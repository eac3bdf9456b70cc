/**
 * The real network: UDP and TCP sockets, the single protocol thread that owns the engine and is handed
 * work through a queue, stream admission with per-source fairness, address parsing and advertising, and
 * the transport's counters. {@link io.rollcall.core.transport.NetworkNode} drives one engine (with
 * Serf's semantics when enabled) over these sockets.
 *
 * <p>May depend on: every other {@code io.rollcall.core} package, the JDK's networking and concurrency.
 * Nothing but the public assembly ({@code io.rollcall.Rollcall}) depends on it; the simulator never does
 * (checked by {@code ArchitectureTest}).
 */
package io.rollcall.core.transport;
