package io.rollcall.sim.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Median, minimum and maximum of every figure over several runs of one scenario. */
public final class SimSummary {
    private SimSummary() {
    }

    /**
     * @param reports runs of one scenario (at least one), one per seed
     * @return the summary table, one line per figure
     */
    public static String format(List<SimReport> reports) {
        SimReport first = reports.get(0);
        Map<String, List<Double>> byFigure = new LinkedHashMap<>();
        for (SimReport r : reports) {
            for (String name : orderedNames(first, r)) {
                byFigure.computeIfAbsent(name, k -> new ArrayList<>()).add(r.figures().getOrDefault(name, Double.NaN));
            }
        }
        long passed = reports.stream().filter(SimReport::passed).count();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "scenario %s, %d nodes, seeds %d..%d: %d of %d runs met expectations%n",
                first.scenario(), first.nodes(), first.seed(), reports.get(reports.size() - 1).seed(), passed, reports.size()));
        int width = byFigure.keySet().stream().mapToInt(String::length).max().orElse(10);
        sb.append(String.format(Locale.ROOT, "  %-" + width + "s  %10s %10s %10s %s%n", "figure", "median", "min", "max", "never"));
        for (Map.Entry<String, List<Double>> e : byFigure.entrySet()) {
            double[] values = e.getValue().stream().filter(v -> !Double.isNaN(v)).mapToDouble(Double::doubleValue).sorted().toArray();
            long never = e.getValue().size() - values.length;
            if (values.length == 0) {
                sb.append(String.format(Locale.ROOT, "  %-" + width + "s  %10s %10s %10s %d%n", e.getKey(), "-", "-", "-", never));
                continue;
            }
            sb.append(String.format(Locale.ROOT, "  %-" + width + "s  %10.3f %10.3f %10.3f %d%n", e.getKey(),
                    median(values), values[0], values[values.length - 1], never));
        }
        for (SimReport r : reports) {
            if (!r.passed()) {
                sb.append("  seed ").append(r.seed()).append(" FAILED: ").append(r.failures()).append(' ')
                        .append(r.violations()).append(System.lineSeparator());
            }
        }
        return sb.toString();
    }

    private static List<String> orderedNames(SimReport first, SimReport r) {
        List<String> names = new ArrayList<>();
        for (String k : new LinkedHashMap<>(first.orderedFigures()).keySet()) {
            names.add(k);
        }
        for (String k : r.orderedFigures().keySet()) {
            if (!names.contains(k)) {
                names.add(k);
            }
        }
        return names;
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        double[] s = Arrays.copyOf(sorted, n);
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
