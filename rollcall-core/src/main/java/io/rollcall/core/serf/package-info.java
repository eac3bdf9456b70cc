/**
 * Serf's semantics on top of the engine, so Rollcall nodes and {@code serf agent}s share one cluster:
 * Lamport clocks, join and leave intents, Serf's push/pull user state and user events ({@link
 * io.rollcall.core.serf.SerfSemantics}), queries with their filters, relays and the key-rotation
 * queries ({@code SerfQueries}, {@code QueryFilters}, {@code KeyQueries}). Driven on the protocol thread as the engine's {@link
 * io.rollcall.core.engine.UserDelegate}; its randomness (query ids) is injected like the engine's.
 *
 * <p>May depend on: {@code io.rollcall.core} values, {@code core.message} (its message types live there),
 * {@code core.codec}, {@code core.engine}, {@code core.security}, the JDK. Never on the transport.
 */
package io.rollcall.core.serf;
