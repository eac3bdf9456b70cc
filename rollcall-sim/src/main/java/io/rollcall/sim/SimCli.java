package io.rollcall.sim;

import io.rollcall.sim.report.SimSummary;
import io.rollcall.sim.report.SimReport;
import io.rollcall.core.engine.EngineConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code rollcall sim}: runs simulator scenarios and prints their figures. Exit status 0 if every
 * scenario met its expectations, 1 if one did not, 2 for bad arguments.
 */
public final class SimCli {
    private static final String USAGE = String.join(System.lineSeparator(),
            "usage: rollcall sim [--nodes N] [--scenario NAME|all] [--seed S] [--profile lan|wan|local]",
            "                    [--duration SECONDS] [--pause SECONDS] [--loss RATE] [--seeds K] [--udp-only]",
            "                    [--icmp] [--clock-skew SECONDS] [--lifeguard on|off]",
            "  --nodes N        cluster size (default 100)",
            "  --scenario NAME  one of " + String.join(", ", Scenarios.NAMES) + ", or all (default all);",
            "                   or a gray-failure scenario: " + String.join(", ", Scenarios.GRAY_NAMES) + ",",
            "                   or gray for all of those (minutes of virtual time each; leave-at-scale's",
            "                   case is --nodes 4000); or coordinates (Vivaldi estimates against injected",
            "                   round trips, see docs/MODEL.md)",
            "  --seed S         seed that every random choice derives from (default 1)",
            "  --profile P      memberlist timing profile (default lan)",
            "  --duration S     how long the fault lasts: loss (300), partition-heal (60), one-way (300),",
            "                   flip-flop (600), lossy (300), slow (300), cut-drop and cut-link-down (60);",
            "                   mass-restart and mass-restart-lost: how long the nodes stay down (30)",
            "  --pause S        pause scenario: stall length (default: 1 s under the minimum suspicion timeout)",
            "  --loss RATE      loss scenario: datagram loss rate (default 0.10)",
            "  --seeds K        run each scenario with seeds S..S+K-1 and print median/min/max (default 1)",
            "  --udp-only       disable the TCP fallback probe (only UDP probes and indirect probes)",
            "  --icmp           the network answers a probe of a gone process with ICMP port unreachable",
            "                   (as loopback and most LANs do; default: dropped, as behind a firewall)",
            "  --clock-skew S   every node's wall clock is off by up to S seconds either way (default 0);",
            "                   only the probe rounds read it",
            "  --lifeguard off  plain SWIM: no local health multiplier (nor the nacks it reads) and a fixed",
            "                   suspicion timeout (the minimum; confirmations shorten nothing). Simulator only",
            "       rollcall sim --scaling [options]   scaling benchmark (rollcall sim --scaling --help)");

    private SimCli() {
    }

    /** @param args command-line arguments */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * @param args command-line arguments after {@code sim}
     * @param out  where reports go
     * @param err  where errors go
     * @return the exit status
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals("--scaling")) {
            return ScalingReport.run(java.util.Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        int nodes = 100;
        String scenario = "all";
        long seed = 1;
        EngineConfig config = EngineConfig.lan();
        double durationSeconds = 0;
        double pauseSeconds = 0;
        double loss = 0.10;
        int seeds = 1;
        boolean udpOnly = false;
        boolean icmp = false;
        double skewSeconds = 0;
        boolean lifeguard = true;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "-h", "--help" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    case "--nodes" -> nodes = parseInt(arg, value(args, ++i, arg));
                    case "--scenario" -> scenario = value(args, ++i, arg);
                    case "--seed" -> seed = parseLong(arg, value(args, ++i, arg));
                    case "--profile" -> config = profile(value(args, ++i, arg));
                    case "--duration" -> durationSeconds = parseDouble(arg, value(args, ++i, arg));
                    case "--pause" -> pauseSeconds = parseDouble(arg, value(args, ++i, arg));
                    case "--loss" -> loss = parseDouble(arg, value(args, ++i, arg));
                    case "--seeds" -> seeds = parseInt(arg, value(args, ++i, arg));
                    case "--udp-only" -> udpOnly = true;
                    case "--icmp" -> icmp = true;
                    case "--clock-skew" -> skewSeconds = parseDouble(arg, value(args, ++i, arg));
                    case "--lifeguard" -> lifeguard = onOff(arg, value(args, ++i, arg));
                    default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
                }
            }
            List<String> names = scenario.equals("all") ? Scenarios.NAMES
                    : scenario.equals("gray") ? Scenarios.GRAY_NAMES : List.of(scenario);
            if (!scenario.equals("all") && !scenario.equals("gray") && !Scenarios.NAMES.contains(scenario)
                    && !Scenarios.GRAY_NAMES.contains(scenario) && !scenario.equals(Scenarios.COORDINATES)) {
                throw new IllegalArgumentException("unknown scenario '" + scenario + "'; choose one of "
                        + String.join(", ", Scenarios.NAMES) + ", " + String.join(", ", Scenarios.GRAY_NAMES)
                        + ", " + Scenarios.COORDINATES + ", all or gray");
            }
            if (udpOnly) {
                config = config.toBuilder().tcpFallbackProbe(false).build();
            }
            if (!lifeguard) {
                config = Lifeguard.off(config);
            }
            if (!(skewSeconds >= 0 && skewSeconds <= 86_400)) {
                throw new IllegalArgumentException("--clock-skew must be 0..86400 seconds, got " + skewSeconds);
            }
            if (seeds < 1 || seeds > 10_000) {
                throw new IllegalArgumentException("--seeds must be 1..10000, got " + seeds);
            }
            List<SimReport> reports = new ArrayList<>();
            for (String name : names) {
                List<SimReport> runs = new ArrayList<>();
                for (long s = seed; s < seed + seeds; s++) {
                    ScenarioOptions options = new ScenarioOptions(nodes, s, config, NetworkModel.lan().withPortUnreachable(icmp)
                            .withClockSkew(Math.round(skewSeconds * 1000)),
                            Math.round(durationSeconds * 1000), Math.round(pauseSeconds * 1000), loss);
                    SimReport report = Scenarios.run(name, options);
                    runs.add(report);
                    if (seeds == 1) {
                        out.print(report.format());
                        out.flush();
                    }
                }
                if (seeds > 1) {
                    out.print(SimSummary.format(runs));
                    out.flush();
                }
                reports.addAll(runs);
            }
            long failed = reports.stream().filter(r -> !r.passed()).count();
            if (reports.size() > 1) {
                out.printf(Locale.ROOT, "%d of %d scenario runs met their expectations%n", reports.size() - failed, reports.size());
            }
            return failed == 0 ? 0 : 1;
        } catch (IllegalArgumentException e) {
            err.println("rollcall sim: " + e.getMessage());
            err.println("run 'rollcall sim --help' for usage");
            return 2;
        }
    }

    private static EngineConfig profile(String name) {
        return switch (name) {
            case "lan" -> EngineConfig.lan();
            case "wan" -> EngineConfig.wan();
            case "local" -> EngineConfig.local();
            default -> throw new IllegalArgumentException("unknown profile '" + name + "'; choose lan, wan or local");
        };
    }

    private static boolean onOff(String option, String text) {
        return switch (text) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException(option + " expects on or off, got '" + text + "'");
        };
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int parseInt(String option, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " expects a whole number, got '" + text + "'");
        }
    }

    private static long parseLong(String option, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " expects a whole number, got '" + text + "'");
        }
    }

    private static double parseDouble(String option, String text) {
        try {
            double v = Double.parseDouble(text);
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " expects a number, got '" + text + "'");
        }
    }
}
