/**
 * What a simulation run reports, kept apart from the simulation itself: a run's figures ({@link
 * io.rollcall.sim.report.SimReport}), their summary over seeds ({@link io.rollcall.sim.report.SimSummary}),
 * dissemination curves ({@link io.rollcall.sim.report.DisseminationCurve}) and the PNG line plots of the
 * scaling report ({@link io.rollcall.sim.report.LinePlot}). Plain values and formatting: nothing here
 * runs a simulation.
 *
 * <p>May depend on: the JDK only (AWT and ImageIO for plots). The simulation ({@code io.rollcall.sim})
 * depends on it, never the other way round (checked by {@code ArchitectureTest}'s cycle rule).
 */
package io.rollcall.sim.report;
