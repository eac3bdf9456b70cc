/**
 * The deterministic simulator: many engines on one virtual clock over a modelled network (latency,
 * loss, partitions), scenarios, invariant checks and the scaling experiment; a run is reproduced by its
 * seed. What a run reports and plots lives in {@code io.rollcall.sim.report}.
 *
 * <p>May depend on: {@code io.rollcall.core} values, {@code core.message}, {@code core.engine},
 * {@code io.rollcall.sim.report}, the JDK (files for the reports). Never on {@code core.transport}: no socket, no
 * thread, no system clock reaches a simulated node (checked by {@code ArchitectureTest}).
 */
package io.rollcall.sim;
