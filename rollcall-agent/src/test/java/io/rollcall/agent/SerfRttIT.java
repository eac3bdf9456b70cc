package io.rollcall.agent;

import static io.rollcall.agent.AgentProcess.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20: network coordinates between a real {@code serf agent} and a Rollcall agent on loopback.
 * Both put their Vivaldi coordinate in every probe ack and update theirs from the other's, so
 * {@code serf rtt} (on the Serf agent) and {@code rollcall rtt} (on ours) both estimate the round trip
 * between the two. The estimate is compared with the round trip Rollcall measures for its probes of
 * the Serf agent: loopback round trips are a few hundred microseconds, mostly the two processes'
 * own handling, so the bound is a factor with an absolute floor (see docs/WIRE.md).
 */
class SerfRttIT {
    private static final Pattern ESTIMATE = Pattern.compile("Estimated (\\S+) <-> (\\S+) rtt: ([0-9.]+) ms");
    /** How far the estimate may be from the measured round trip: this factor either way... */
    static final double MAX_FACTOR = 2.0;
    /** ...or this absolute difference, in milliseconds, whichever is looser (loopback times are tiny). */
    static final double MAX_ABSOLUTE_MS = 0.5;

    @TempDir
    Path dir;
    @RegisterExtension
    final AgentGroup agents = new AgentGroup();

    @Test
    void serfRttAndRollcallRttAgreeWithTheMeasuredRoundTrip() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/serf")), "needs serf");
        AgentProcess r = agents.start(dir, "r", "127.102.95.1", List.of());
        Path serfLog = dir.resolve("s.log");
        agents.own(new ProcessBuilder("serf", "agent", "-node=s", "-bind=127.102.95.2:7946",
                "-rpc-addr=127.102.95.2:7373", "-log-level=debug", "-profile=lan", "-join=127.102.95.1:7946")
                .redirectErrorStream(true).redirectOutput(serfLog.toFile()).start());
        await("r sees s alive", 30_000, () -> "alive".equals(r.statuses().get("s")), () -> read(serfLog));
        // Both sides need several probes of each other (one a second each) before the estimates settle.
        await("serf holds both coordinates", 60_000, () -> serfRtt("s", "r") != null, () -> serfRttRaw("s", "r"));
        await("rollcall holds both coordinates", 60_000, () -> rollcallRtt(r, "s") != null,
                () -> String.valueOf(rollcallRttRaw(r, "s")));
        AgentProcess.sleep(20_000);

        double serfEstimate = serfRtt("s", "r");
        double ourEstimate = rollcallRtt(r, "s");
        double ourEstimateNamed = rollcallRtt(r, "r", "s");
        double measured = measuredMillis(r, "s");
        String seen = "serf rtt s r = " + serfEstimate + " ms, rollcall rtt s = " + ourEstimate + " ms, rollcall rtt r s = "
                + ourEstimateNamed + " ms, measured (smoothed direct probe rtt) = " + measured + " ms";
        System.out.println("SerfRttIT: " + seen);
        assertThat(within(serfEstimate, measured)).as(seen).isTrue();
        assertThat(within(ourEstimate, measured)).as(seen).isTrue();
        assertThat(ourEstimateNamed).as(seen).isEqualTo(ourEstimate);
        assertThat(read(serfLog)).doesNotContain("Unsupported ping version").doesNotContain("Failed to decode coordinate");

        var missing = AgentProcess.cli(Map.of(), "rtt", "nobody", "--agent", r.url());
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).contains("no member named 'nobody'");
    }

    private static boolean within(double estimate, double measured) {
        return Math.abs(estimate - measured) <= MAX_ABSOLUTE_MS
                || (estimate <= measured * MAX_FACTOR && estimate >= measured / MAX_FACTOR);
    }

    private static String serfRttRaw(String a, String b) {
        NetLab.Output out = NetLab.capture(List.of("serf", "rtt", "-rpc-addr=127.102.95.2:7373", a, b));
        return out.exit() + " " + out.text();
    }

    private static Double serfRtt(String a, String b) {
        Matcher m = ESTIMATE.matcher(serfRttRaw(a, b));
        return m.find() ? Double.parseDouble(m.group(3)) : null;
    }

    private static AgentProcess.Result rollcallRttRaw(AgentProcess r, String... names) {
        try {
            String[] args = new String[names.length + 3];
            args[0] = "rtt";
            System.arraycopy(names, 0, args, 1, names.length);
            args[names.length + 1] = "--agent";
            args[names.length + 2] = r.url();
            return AgentProcess.cli(Map.of(), args);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static Double rollcallRtt(AgentProcess r, String... names) {
        AgentProcess.Result res = rollcallRttRaw(r, names);
        Matcher m = ESTIMATE.matcher(res.out());
        if (res.status() != 0 || !m.find()) {
            return null;
        }
        assertThat(res.out()).contains("(using LAN coordinates)");
        return Double.parseDouble(m.group(3));
    }

    private static double measuredMillis(AgentProcess r, String member) throws IOException {
        String body = r.get("/v1/members/" + member).body();
        Matcher m = Pattern.compile("\"direct\":\\{\"last_ms\":[0-9.E-]+,\"smoothed_ms\":([0-9.E-]+)").matcher(body);
        assertThat(m.find()).as(body).isTrue();
        assertThat(body).contains("\"coordinate\":{\"vec\":[");
        return Double.parseDouble(m.group(1));
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
