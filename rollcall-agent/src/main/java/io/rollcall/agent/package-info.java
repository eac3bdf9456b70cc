/**
 * The per-node daemon and the {@code rollcall} command line: configuration and the data directory,
 * the HTTP API and its server, event handlers, metrics, signals and logging.
 *
 * <p>May depend on: the public API {@code io.rollcall}, {@code io.rollcall.micrometer}, the simulator's
 * command line ({@code io.rollcall.sim.SimCli}), SnakeYAML, Micrometer's Prometheus registry, the JDK.
 * Not on {@code io.rollcall.core}: the agent is a user of the library like any other; the few core
 * types it still uses are a frozen list in {@code ArchitectureTest} that may only shrink.
 */
package io.rollcall.agent;
