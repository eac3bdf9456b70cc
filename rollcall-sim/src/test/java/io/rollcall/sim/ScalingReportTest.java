package io.rollcall.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.engine.EngineConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small scaling run end to end: every change reaches every node, and the files are written. */
class ScalingReportTest {

    @Test
    void smallClusterLearnsOfEveryChange() {
        ScalingReport.Run run = ScalingReport.runOnce(20, 3, 60_000, false, EngineConfig.lan(), (what, s) -> { });
        assertThat(run.changes()).extracting(ScalingReport.Change::kind).containsExactly("join", "crash", "leave");
        assertThat(run.changes()).allSatisfy(c -> assertThat(c.curve().complete()).as(c.kind()).isTrue());
        assertThat(run.changes().get(0).curve().expected()).isEqualTo(20);
        assertThat(run.changes().get(1).curve().expected()).isEqualTo(20);
        assertThat(run.changes().get(2).curve().expected()).isEqualTo(19);
        assertThat(run.falseFailures()).isZero();
        assertThat(run.virtualSeconds()).isGreaterThanOrEqualTo(60);
        assertThat(run.steadyMessagesPerNodePerSecond()).isGreaterThan(0);
    }

    @Test
    void commandWritesJsonAndCharts(@TempDir Path dir) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path json = dir.resolve("r/scaling.json");
        int status = ScalingReport.run(new String[] {"--nodes", "10,20", "--seeds", "1", "--virtual-seconds", "60",
                "--no-memory", "--out", json.toString(), "--plots", dir.resolve("img").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(status).isZero();
        String text = Files.readString(json);
        assertThat(text).contains("\"nodes\": 10,").contains("\"nodes\": 20,").contains("\"kind\": \"crash\"");
        for (String name : List.of("join", "crash", "leave", "periods")) {
            assertThat(dir.resolve("img/sim-scaling-" + name + ".png")).isRegularFile();
        }
    }

    @Test
    void periodsRoundPartialPeriodsUp() {
        assertThat(ScalingReport.periods(0, 1_000)).isZero();
        assertThat(ScalingReport.periods(1, 1_000)).isEqualTo(1);
        assertThat(ScalingReport.periods(1_000, 1_000)).isEqualTo(1);
        assertThat(ScalingReport.periods(1_001, 1_000)).isEqualTo(2);
    }

    @Test
    void badArgumentsExitWithTwo() {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(ScalingReport.run(new String[] {"--nodes", "1"}, quiet, quiet)).isEqualTo(2);
        assertThat(ScalingReport.run(new String[] {"--nodes", "10,20", "--seeds", "1,2,3"}, quiet, quiet)).isEqualTo(2);
    }
}
