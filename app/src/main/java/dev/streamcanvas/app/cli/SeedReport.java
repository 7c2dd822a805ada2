package dev.streamcanvas.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamcanvas.engine.io.AtomicFiles;
import dev.streamcanvas.engine.train.Measurement;
import dev.streamcanvas.engine.train.RunMetrics;
import dev.streamcanvas.engine.train.RunMetrics.SeedRuns;
import dev.streamcanvas.engine.train.SeedComparison;
import dev.streamcanvas.engine.train.SeedStatistics;
import dev.streamcanvas.engine.train.SeedStatistics.Point;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * The report of a multi-seed comparison folder ({@code seed-S/{vanilla,immiscible}/metrics.csv}), drawn from the
 * metrics files only (so {@code --plot-only} redraws it): {@code curves.png} (per arm every seed faint and the mean
 * across seeds bold) and {@code comparison.md} (per seed and across seeds: vanilla's final quality, the first step
 * at which the immiscible run reaches it, their ratio, the assignment's distance reduction, with 95 % Student-t
 * intervals across seeds).
 */
final class SeedReport {
    static final double LEVEL = 0.95;
    private static final Color VANILLA = new Color(0x1f77b4);
    private static final Color IMMISCIBLE = new Color(0xd62728);

    /** Which sample-quality column the headline uses. */
    record Quality(String name, ToDoubleFunction<Measurement> value, ToDoubleFunction<Measurement> spread) {
    }

    private SeedReport() {
    }

    /** The classifier-feature distance when any run measured it, else the VAE-feature one. */
    static Quality quality(List<SeedRuns> seeds) {
        boolean clf = seeds.stream().flatMap(s -> Stream.concat(s.vanilla().stream(), s.immiscible().stream()))
                .anyMatch(Measurement::hasClassifierQuality);
        return clf ? new Quality("FD on classifier features", Measurement::classifierFd, Measurement::classifierFdStd)
                : new Quality("FD on VAE-encoder features", Measurement::frechetDistance, m -> Double.NaN);
    }

    /** The batch size recorded in the folder's manifest, or null. */
    static String batch(Path out) throws IOException {
        Path manifest = out.resolve(SeedComparison.MANIFEST);
        return Files.exists(manifest) ? new ObjectMapper().readTree(manifest.toFile()).path("batch").asText(null) : null;
    }

    /** Writes curves.png and comparison.md into {@code out} and returns the markdown. */
    static String write(Path out, String label) throws IOException {
        List<SeedRuns> seeds = RunMetrics.readSeeds(out);
        String md = table(seeds, label, batch(out));
        writePlot(out.resolve("curves.png"), seeds, label);
        AtomicFiles.write(out.resolve("comparison.md"), md.getBytes(StandardCharsets.UTF_8));
        return md;
    }

    static String table(List<SeedRuns> seeds, String label, String batch) {
        Quality q = quality(seeds);
        int n = seeds.size();
        double[] vFinal = new double[n];
        double[] vStep = new double[n];
        double[] iFinal = new double[n];
        double[] reach = new double[n];
        double[] ratio = new double[n];
        double[] reduction = new double[n];
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Vanilla vs %s over %d seed%s%s. Quality: %s (lower is better); "
                + "\"reaches\" is the first step at which the immiscible run's quality is at or below vanilla's final "
                + "quality, linearly interpolated between evaluations; ratio = that step / vanilla's final step.%n%n",
                label, n, n == 1 ? "" : "s", batch == null ? "" : ", batch " + batch, q.name()));
        sb.append("| seed | vanilla final step | vanilla final quality | ").append(label)
                .append(" final quality | immiscible reaches it at step | ratio | distance reduction % | held-out loss V / I |\n")
                .append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int k = 0; k < n; k++) {
            SeedRuns s = seeds.get(k);
            List<Point> vc = SeedStatistics.curve(s.vanilla(), q.value());
            List<Point> ic = SeedStatistics.curve(s.immiscible(), q.value());
            Point vl = SeedStatistics.last(vc);
            Point il = SeedStatistics.last(ic);
            vFinal[k] = vl == null ? Double.NaN : vl.value();
            vStep[k] = vl == null ? Double.NaN : vl.step();
            iFinal[k] = il == null ? Double.NaN : il.value();
            reach[k] = vl == null ? Double.NaN : SeedStatistics.firstReach(ic, vl.value());
            ratio[k] = reach[k] / vStep[k];
            reduction[k] = SeedStatistics.mean(s.immiscible().stream().mapToDouble(Measurement::distanceReduction).toArray());
            String vSpread = vl == null ? "" : spread(s.vanilla(), vl.step(), q);
            String iSpread = il == null ? "" : spread(s.immiscible(), il.step(), q);
            Point vh = SeedStatistics.last(SeedStatistics.curve(s.vanilla(), Measurement::heldOutLoss));
            Point ih = SeedStatistics.last(SeedStatistics.curve(s.immiscible(), Measurement::heldOutLoss));
            sb.append(String.format(Locale.ROOT, "| %d | %s | %s%s | %s%s | %s | %s | %s | %s / %s |%n", s.seed(),
                    fmt(vStep[k], "%.0f"), fmt(vFinal[k], "%.4f"), vSpread, fmt(iFinal[k], "%.4f"), iSpread,
                    Double.isNaN(reach[k]) && vl != null ? "not reached" : fmt(reach[k], "%.0f"), fmt(ratio[k], "%.3f"),
                    fmt(reduction[k], "%.2f"), vh == null ? "" : fmt(vh.value(), "%.4f"),
                    ih == null ? "" : fmt(ih.value(), "%.4f")));
        }
        SeedStatistics.Interval vq = SeedStatistics.tInterval(vFinal, LEVEL);
        SeedStatistics.Interval iq = SeedStatistics.tInterval(iFinal, LEVEL);
        SeedStatistics.Interval rs = SeedStatistics.tInterval(reach, LEVEL);
        SeedStatistics.Interval ra = SeedStatistics.tInterval(ratio, LEVEL);
        SeedStatistics.Interval dr = SeedStatistics.tInterval(reduction, LEVEL);
        sb.append(String.format(Locale.ROOT, "| mean | %s | %s | %s | %s | %s | %s | |%n",
                fmt(SeedStatistics.mean(vStep), "%.0f"), ci(vq, "%.4f"), ci(iq, "%.4f"), ci(rs, "%.0f"), ci(ra, "%.3f"),
                ci(dr, "%.2f")));
        long reached = java.util.Arrays.stream(reach).filter(x -> !Double.isNaN(x)).count();
        sb.append(String.format(Locale.ROOT, "%nIntervals: mean ± half width of a %.0f %% Student-t interval across seeds "
                + "(t with n - 1 degrees of freedom, n the seeds with a value; none for n < 2). The immiscible run "
                + "reached vanilla's final quality in %d of %d seeds; seeds that did not are left out of the step and "
                + "ratio columns' intervals.", 100 * LEVEL, reached, n));
        if (ra.n() > 0) {
            sb.append(String.format(Locale.ROOT, " Headline: immiscible needs %s of vanilla's steps to reach vanilla's "
                    + "final quality", ci(ra, "%.3f")));
            sb.append(Double.isNaN(dr.mean()) ? ".\n" : String.format(Locale.ROOT,
                    "; its assignment shortens the mean image-noise distance by %s %%.%n", ci(dr, "%.2f")));
        } else {
            sb.append('\n');
        }
        return sb.toString();
    }

    /** " ± sd" (the bootstrap spread at that step) when the quality has one. */
    private static String spread(List<Measurement> rows, int step, Quality q) {
        for (Measurement m : rows) {
            if (m.step() == step) {
                double sd = q.spread().applyAsDouble(m);
                return Double.isNaN(sd) ? "" : String.format(Locale.ROOT, " ± %.4f", sd);
            }
        }
        return "";
    }

    private static String ci(SeedStatistics.Interval i, String format) {
        if (Double.isNaN(i.mean())) {
            return "";
        }
        String m = String.format(Locale.ROOT, format, i.mean());
        return Double.isNaN(i.halfWidth()) ? m : m + " ± " + String.format(Locale.ROOT, format, i.halfWidth());
    }

    private static String fmt(double x, String format) {
        return Double.isNaN(x) ? "" : String.format(Locale.ROOT, format, x);
    }

    // ---------------------------------------------------------------- curves

    /** A drawn line: its points, colour and width. */
    record Line(List<Point> points, Color color, float width) {
    }

    /** The lines of one panel: per arm every seed faint, then the two means bold. */
    static List<Line> lines(List<SeedRuns> seeds, ToDoubleFunction<Measurement> column) {
        List<Line> out = new ArrayList<>();
        List<List<Point>> v = new ArrayList<>();
        List<List<Point>> i = new ArrayList<>();
        for (SeedRuns s : seeds) {
            v.add(SeedStatistics.curve(s.vanilla(), column));
            i.add(SeedStatistics.curve(s.immiscible(), column));
        }
        Color vf = faint(VANILLA);
        Color imf = faint(IMMISCIBLE);
        if (seeds.size() > 1) {
            v.forEach(c -> out.add(new Line(c, vf, 1f)));
            i.forEach(c -> out.add(new Line(c, imf, 1f)));
        }
        out.add(new Line(SeedStatistics.meanCurve(v), VANILLA, 2.5f));
        out.add(new Line(SeedStatistics.meanCurve(i), IMMISCIBLE, 2.5f));
        return out;
    }

    private static Color faint(Color c) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), 70);
    }

    static void writePlot(Path file, List<SeedRuns> seeds, String label) throws IOException {
        Quality q = quality(seeds);
        int w = 960;
        int h = 420;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            panel(g, 0, "held-out loss (fresh noise, fixed t)", lines(seeds, Measurement::heldOutLoss), w / 2, h);
            panel(g, w / 2, q.name(), lines(seeds, q.value()), w / 2, h);
            g.setFont(g.getFont().deriveFont(13f));
            g.setColor(VANILLA);
            g.drawString("\u2014 vanilla", 60, h - 4);
            g.setColor(IMMISCIBLE);
            g.drawString("\u2014 " + label, 150, h - 4);
            g.setColor(Color.DARK_GRAY);
            g.drawString(seeds.size() > 1 ? "bold: mean of " + seeds.size() + " seeds; faint: each seed" : "1 seed",
                    w / 2 + 60, h - 4);
        } finally {
            g.dispose();
        }
        AtomicFiles.write(file, os -> javax.imageio.ImageIO.write(img, "png", os));
    }

    private static void panel(Graphics2D g, int x0, String title, List<Line> lines, int w, int h) {
        int left = x0 + 60;
        int right = x0 + w - 20;
        int top = 30;
        int bottom = h - 56;
        double maxStep = 1;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Line l : lines) {
            for (Point p : l.points()) {
                maxStep = Math.max(maxStep, p.step());
                lo = Math.min(lo, p.value());
                hi = Math.max(hi, p.value());
            }
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.setFont(g.getFont().deriveFont(13f));
        g.drawString(title, left, 18);
        g.drawRect(left, top, right - left, bottom - top);
        if (lo == Double.POSITIVE_INFINITY) {
            return;
        }
        if (hi - lo < 1e-9) {
            hi = lo + 1;
        }
        double pad = (hi - lo) * 0.05;
        lo -= pad;
        hi += pad;
        g.setFont(g.getFont().deriveFont(11f));
        for (int t = 0; t <= 4; t++) {
            double val = lo + (hi - lo) * t / 4;
            int y = bottom - (int) Math.round((bottom - top) * t / 4.0);
            g.setColor(new Color(0xdddddd));
            g.drawLine(left + 1, y, right - 1, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.3f", val), x0 + 8, y + 4);
            long step = Math.round(maxStep * t / 4);
            int x = left + (int) Math.round((right - left) * t / 4.0);
            g.drawString(Long.toString(step), x - 10, bottom + 16);
        }
        g.drawString("step", (left + right) / 2 - 10, bottom + 30);
        for (Line l : lines) {
            g.setColor(l.color());
            g.setStroke(new BasicStroke(l.width()));
            int px = -1;
            int py = -1;
            for (Point p : l.points()) {
                int x = left + (int) Math.round((right - left) * p.step() / maxStep);
                int y = bottom - (int) Math.round((bottom - top) * (p.value() - lo) / (hi - lo));
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                if (l.width() > 2) {
                    g.fillOval(x - 3, y - 3, 6, 6);
                }
                px = x;
                py = y;
            }
        }
    }
}
