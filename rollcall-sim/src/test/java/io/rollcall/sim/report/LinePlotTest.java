package io.rollcall.sim.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart is a real PNG of the requested size with the data drawn where the axes say. */
class LinePlotTest {
    private static final Color BLUE = LinePlot.PALETTE.get(0);

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void writesAPngOfTheRequestedSize(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sub/chart.png");
        new LinePlot("title", "x", "y")
                .add(new LinePlot.Series("a", BLUE, List.<double[][]>of(new double[][] {{0, 1, 2}, {0, 0.5, 1}}), true))
                .yRange(0, 1)
                .writePng(file, 640, 400);
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes).startsWith(0x89, 'P', 'N', 'G');
        BufferedImage read = ImageIO.read(file.toFile());
        assertThat(read.getWidth()).isEqualTo(640);
        assertThat(read.getHeight()).isEqualTo(400);
    }

    @Test
    void aHorizontalLineIsDrawnAtItsValueOnly() {
        // y = 0.5 across the whole x range: its colour appears at mid-height of the plot area, and
        // nowhere in the top quarter of the plot area.
        BufferedImage image = new LinePlot("t", "x", "y")
                .add(new LinePlot.Series("half", BLUE, List.<double[][]>of(new double[][] {{0, 10}, {0.5, 0.5}}), false))
                .yRange(0, 1)
                .render(600, 400);
        // plot area: x 80..570, y 50..335 (see LinePlot's margins); y = 0.5 is at 50 + 285 / 2
        int midY = 50 + 285 / 2;
        assertThat(countColour(image, BLUE, 150, 450, midY - 2, midY + 2)).isGreaterThan(250);
        assertThat(countColour(image, BLUE, 150, 450, 55, 110)).isZero();
    }

    @Test
    void logAxisPlacesDecadesEvenly() {
        // Points at 10, 100, 1000 on a log axis from 10 to 1000 fall at the left edge, middle and right edge.
        BufferedImage image = new LinePlot("t", "n", "y").logX()
                .add(new LinePlot.Series("p", BLUE, List.<double[][]>of(new double[][] {{10, 100, 1000}, {0.2, 0.2, 0.2}}), true))
                .yRange(0, 1)
                .render(600, 400);
        int y = 50 + (int) Math.round(285 * 0.8);
        int middle = 80 + 490 / 2;
        assertThat(countColour(image, BLUE, middle - 3, middle + 3, y - 6, y + 6)).isGreaterThan(20);
    }

    private static int countColour(BufferedImage image, Color colour, int x0, int x1, int y0, int y1) {
        int count = 0;
        for (int x = x0; x <= x1; x++) {
            for (int y = y0; y <= y1; y++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (colour.getRGB() & 0xFFFFFF)) {
                    count++;
                }
            }
        }
        return count;
    }
}
