/**
 * Binds a node's counters and gauges to a Micrometer registry ({@link
 * io.rollcall.micrometer.RollcallMetrics}), for embedded users and the agent alike.
 *
 * <p>May depend on: the public API {@code io.rollcall}, micrometer-core, the JDK.
 */
package io.rollcall.micrometer;
