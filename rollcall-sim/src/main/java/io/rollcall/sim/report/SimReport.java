package io.rollcall.sim.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one scenario run measured. Figures carry their unit in their name; a figure that could not
 * be measured (the event never happened) is NaN and printed as "never".
 */
public final class SimReport {
    private final String scenario;
    private final int nodes;
    private final long seed;
    private final Map<String, Double> figures = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();

    /**
     * An empty report, filled by the scenario that runs.
     *
     * @param scenario the scenario's name
     * @param nodes    cluster size
     * @param seed     the run's seed
     */
    public SimReport(String scenario, int nodes, long seed) {
        this.scenario = scenario;
        this.nodes = nodes;
        this.seed = seed;
    }

    /**
     * Records one measured figure (NaN when it could not be measured).
     *
     * @param name  the figure's name, with its unit
     * @param value its value
     */
    public void figure(String name, double value) {
        figures.put(name, value);
    }

    /** Records an expectation of the scenario that did not hold. */
    public void fail(String what) {
        failures.add(what);
    }

    /** @param list invariant violations the run's checker found */
    public void violations(List<String> list) {
        violations.addAll(list);
    }

    /** @return scenario name */
    public String scenario() {
        return scenario;
    }

    /** @return cluster size */
    public int nodes() {
        return nodes;
    }

    /** @return the seed that reproduces this run */
    public long seed() {
        return seed;
    }

    /**
     * @param name a figure's name
     * @return its value, NaN if it never happened
     * @throws IllegalArgumentException if the scenario has no such figure
     */
    public double figure(String name) {
        Double v = figures.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no figure '" + name + "' in " + scenario + "; have " + figures.keySet());
        }
        return v;
    }

    /** @return every figure */
    public Map<String, Double> figures() {
        return Map.copyOf(figures);
    }

    /** @return every figure, in the order measured */
    public Map<String, Double> orderedFigures() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(figures));
    }

    /** @return the scenario's own expectations that did not hold */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** @return invariant violations seen during the run */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** @return true if every expectation held and no invariant was violated */
    public boolean passed() {
        return failures.isEmpty() && violations.isEmpty();
    }

    /** @return a human-readable report, ending with the seed that reproduces the run */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "scenario %s, %d nodes, seed %d%n", scenario, nodes, seed));
        int width = 0;
        for (String k : figures.keySet()) {
            width = Math.max(width, k.length());
        }
        for (Map.Entry<String, Double> e : figures.entrySet()) {
            double v = e.getValue();
            String text = Double.isNaN(v) ? "never"
                    : v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%d", (long) v)
                    : String.format(Locale.ROOT, "%.3f", v);
            sb.append(String.format(Locale.ROOT, "  %-" + width + "s  %s%n", e.getKey(), text));
        }
        for (String f : failures) {
            sb.append("  FAILED: ").append(f).append(System.lineSeparator());
        }
        for (String v : violations) {
            sb.append("  VIOLATION: ").append(v).append(System.lineSeparator());
        }
        sb.append(passed() ? "  result: ok" : "  result: FAILED (reproduce with --seed " + seed + ")")
                .append(System.lineSeparator());
        return sb.toString();
    }

    @Override
    public String toString() {
        return format();
    }
}
