package io.rollcall.sim.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A line chart drawn with Java2D into a PNG, so the benchmark's figures need nothing beyond the JDK:
 * titled, with labelled axes and ticks, a legend, and a linear or logarithmic x axis.
 */
public final class LinePlot {

    /**
     * One legend entry: one or more polylines drawn in the same colour.
     *
     * @param label   legend text
     * @param color   line colour
     * @param lines   polylines, each {xs, ys} of equal length
     * @param markers whether to mark each point with a dot
     */
    public record Series(String label, Color color, List<double[][]> lines, boolean markers) {
        /** Validates the lines. */
        public Series {
            lines = List.copyOf(lines);
            for (double[][] line : lines) {
                if (line.length != 2 || line[0].length != line[1].length) {
                    throw new IllegalArgumentException("a line is {xs, ys} of equal length");
                }
            }
        }
    }

    /** Colours that stay distinct for most readers, colour-blind included (Okabe-Ito). */
    public static final List<Color> PALETTE = List.of(new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
            new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9));

    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 65;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private boolean logX;
    private boolean legendTopLeft;
    private double yMin = Double.NaN;
    private double yMax = Double.NaN;

    /**
     * @param title  drawn above the plot
     * @param xLabel x axis label
     * @param yLabel y axis label
     */
    public LinePlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** @param s a series to draw, in legend order @return this */
    public LinePlot add(Series s) {
        series.add(s);
        return this;
    }

    /** Makes the x axis logarithmic (base 10); every x must then be positive. @return this */
    public LinePlot logX() {
        logX = true;
        return this;
    }

    /** Puts the legend top left instead of bottom right, for data that fills the bottom right. @return this */
    public LinePlot legendTopLeft() {
        legendTopLeft = true;
        return this;
    }

    /** @param min y at the bottom @param max y at the top @return this */
    public LinePlot yRange(double min, double max) {
        if (!(max > min)) {
            throw new IllegalArgumentException("y range must have max > min");
        }
        yMin = min;
        yMax = max;
        return this;
    }

    /**
     * @param width  pixels
     * @param height pixels
     * @return the chart
     */
    public BufferedImage render(int width, int height) {
        if (width < LEFT + RIGHT + 50 || height < TOP + BOTTOM + 50) {
            throw new IllegalArgumentException("too small: " + width + "x" + height);
        }
        double[] xr = range(0, logX);
        double[] yr = Double.isNaN(yMin) ? range(1, false) : new double[] {yMin, yMax};
        double x0 = logX ? Math.floor(Math.log10(xr[0])) : xr[0];
        double x1 = logX ? Math.ceil(Math.log10(xr[1])) : xr[1];
        if (x1 <= x0) {
            x1 = x0 + 1;
        }
        double y0 = yr[0];
        double y1 = yr[1] > yr[0] ? yr[1] : yr[0] + 1;
        if (!logX) {
            double[] nx = niceRange(x0, x1);
            x0 = nx[0];
            x1 = nx[1];
        }
        if (Double.isNaN(yMin)) {
            double[] ny = niceRange(y0, y1);
            y0 = ny[0];
            y1 = ny[1];
        }
        int pw = width - LEFT - RIGHT;
        int ph = height - TOP - BOTTOM;
        Frame f = new Frame(x0, x1, y0, y1, pw, ph);

        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            Font base = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
            g.setFont(base);
            FontMetrics fm = g.getFontMetrics();

            // grid and ticks
            g.setStroke(new BasicStroke(1f));
            for (double tx : logX ? logTicks(x0, x1) : niceTicks(x0, x1)) {
                int px = LEFT + f.px(tx);
                g.setColor(new Color(0xE4E4E4));
                g.drawLine(px, TOP, px, TOP + ph);
                g.setColor(Color.DARK_GRAY);
                g.drawLine(px, TOP + ph, px, TOP + ph + 5);
                String t = logX ? format(Math.pow(10, tx)) : format(tx);
                g.drawString(t, px - fm.stringWidth(t) / 2, TOP + ph + 8 + fm.getAscent());
            }
            for (double ty : niceTicks(y0, y1)) {
                int py = TOP + f.py(ty);
                g.setColor(new Color(0xE4E4E4));
                g.drawLine(LEFT, py, LEFT + pw, py);
                g.setColor(Color.DARK_GRAY);
                g.drawLine(LEFT - 5, py, LEFT, py);
                String t = format(ty);
                g.drawString(t, LEFT - 8 - fm.stringWidth(t), py + fm.getAscent() / 2 - 1);
            }
            g.setColor(Color.BLACK);
            g.drawRect(LEFT, TOP, pw, ph);

            // labels
            g.drawString(xLabel, LEFT + pw / 2 - fm.stringWidth(xLabel) / 2, height - 15);
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.rotate(-Math.PI / 2);
            rotated.drawString(yLabel, -(TOP + ph / 2) - fm.stringWidth(yLabel) / 2, 22);
            rotated.dispose();
            g.setFont(base.deriveFont(Font.BOLD, 16f));
            FontMetrics tfm = g.getFontMetrics();
            g.drawString(title, width / 2 - tfm.stringWidth(title) / 2, 30);
            g.setFont(base);

            // data, clipped to the plot area
            Graphics2D data = (Graphics2D) g.create();
            data.clipRect(LEFT, TOP, pw + 1, ph + 1);
            data.translate(LEFT, TOP);
            for (Series s : series) {
                data.setColor(s.color());
                data.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                for (double[][] line : s.lines()) {
                    Path2D.Double path = new Path2D.Double();
                    for (int i = 0; i < line[0].length; i++) {
                        double x = logX ? Math.log10(line[0][i]) : line[0][i];
                        double px = f.pxExact(x);
                        double py = f.pyExact(line[1][i]);
                        if (i == 0) {
                            path.moveTo(px, py);
                        } else {
                            path.lineTo(px, py);
                        }
                        if (s.markers()) {
                            data.fillOval((int) Math.round(px) - 4, (int) Math.round(py) - 4, 9, 9);
                        }
                    }
                    data.draw(path);
                }
            }
            data.dispose();

            // legend inside the plot: bottom right by default, where rising curves leave room
            int rowH = fm.getHeight() + 2;
            int boxW = 0;
            for (Series s : series) {
                boxW = Math.max(boxW, fm.stringWidth(s.label()));
            }
            boxW += 50;
            int boxH = rowH * series.size() + 10;
            int bx = legendTopLeft ? LEFT + 10 : LEFT + pw - boxW - 10;
            int by = legendTopLeft ? TOP + 10 : TOP + ph - boxH - 10;
            g.setColor(new Color(255, 255, 255, 235));
            g.fillRect(bx, by, boxW, boxH);
            g.setColor(Color.GRAY);
            g.drawRect(bx, by, boxW, boxH);
            for (int i = 0; i < series.size(); i++) {
                Series s = series.get(i);
                int cy = by + 5 + rowH * i + rowH / 2;
                g.setColor(s.color());
                g.setStroke(new BasicStroke(3f));
                g.drawLine(bx + 8, cy, bx + 36, cy);
                g.setColor(Color.BLACK);
                g.drawString(s.label(), bx + 42, cy + fm.getAscent() / 2 - 1);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * Writes the chart as a PNG, creating the parent directory if needed.
     *
     * @param file   destination
     * @param width  pixels
     * @param height pixels
     * @throws IOException if it cannot be written
     */
    public void writePng(Path file, int width, int height) throws IOException {
        BufferedImage image = render(width, height);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    private double[] range(int axis, boolean log) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double[][] line : s.lines()) {
                for (double v : line[axis]) {
                    if (Double.isFinite(v) && (!log || v > 0)) {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                }
            }
        }
        if (min == Double.POSITIVE_INFINITY) {
            return log ? new double[] {1, 10} : new double[] {0, 1};
        }
        if (!log && axis == 0 && min > 0) {
            min = 0;
        }
        if (!log && axis == 1 && min > 0) {
            min = 0;
        }
        return new double[] {min, max};
    }

    private static double step(double lo, double hi) {
        double raw = (hi - lo) / 8;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double n = raw / mag;
        return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10) * mag;
    }

    private static double[] niceRange(double lo, double hi) {
        double s = step(lo, hi);
        return new double[] {Math.floor(lo / s + 1e-9) * s, Math.ceil(hi / s - 1e-9) * s};
    }

    private static List<Double> niceTicks(double lo, double hi) {
        double s = step(lo, hi);
        List<Double> ticks = new ArrayList<>();
        for (double t = Math.ceil(lo / s - 1e-9) * s; t <= hi + s * 1e-9; t += s) {
            ticks.add(Math.abs(t) < s * 1e-9 ? 0 : t);
        }
        return ticks;
    }

    private static List<Double> logTicks(double lo, double hi) {
        List<Double> ticks = new ArrayList<>();
        for (double t = Math.ceil(lo); t <= hi; t++) {
            ticks.add(t);
        }
        return ticks;
    }

    private static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return String.format(Locale.ROOT, "%.2f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** Maps data coordinates (x already in log10 for a log axis) to pixels within the plot area. */
    private record Frame(double x0, double x1, double y0, double y1, int width, int height) {
        double pxExact(double x) {
            return (x - x0) / (x1 - x0) * width;
        }

        double pyExact(double y) {
            return height - (y - y0) / (y1 - y0) * height;
        }

        int px(double x) {
            return (int) Math.round(pxExact(x));
        }

        int py(double y) {
            return (int) Math.round(pyExact(y));
        }
    }
}
