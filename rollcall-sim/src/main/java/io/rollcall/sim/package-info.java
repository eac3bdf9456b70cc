/**
 * The deterministic simulator: many engines on one virtual clock over a modelled network (latency,
 * loss, partitions), scenarios, invariant checks, and the reports and plots of a run; a run is
 * reproduced by its seed.
 *
 * <p>May depend on: {@code io.rollcall.core} values, {@code core.message}, {@code core.engine},
 * the JDK (files for reports, AWT and ImageIO for plots). Never on {@code core.transport}: no socket, no
 * thread, no system clock reaches a simulated node (checked by {@code ArchitectureTest}).
 */
package io.rollcall.sim;
