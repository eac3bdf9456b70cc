/**
 * Network coordinates: Serf's variant of Vivaldi (a Euclidean vector plus a height, an error
 * estimate, an adjustment term, a latency filter and gravity towards the origin) as a pure value
 * ({@link io.rollcall.core.coordinate.Coordinate}) and a client that updates its own coordinate from
 * observed round trips ({@link io.rollcall.core.coordinate.VivaldiClient}). No I/O, no clock: round
 * trips are given to it, and its one random choice comes from an injected generator.
 * <p>May depend on: the JDK's collections and {@link java.util.random.RandomGenerator}. The codec
 * encodes coordinates; Serf's semantics feed the client from probe acks.
 */
package io.rollcall.core.coordinate;
