package dev.streamcanvas.engine.train;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The numbers of a multi-seed comparison report (issue 14): mean curves across seeds, the step at which a run first
 * reaches a quality (linear interpolation between evaluations), and Student-t confidence intervals across seeds.
 * Lower quality values are better (Fréchet distances). Plain functions; thread-safe.
 */
public final class SeedStatistics {
    private SeedStatistics() {
    }

    /** A point of a curve. */
    public record Point(int step, double value) {
    }

    /** mean ± halfWidth from n values (halfWidth NaN when n < 2). */
    public record Interval(int n, double mean, double halfWidth, double level) {
        public double low() {
            return mean - halfWidth;
        }

        public double high() {
            return mean + halfWidth;
        }
    }

    /** The measured (non-NaN) values of one column, in step order. */
    public static List<Point> curve(List<Measurement> rows, ToDoubleFunction<Measurement> column) {
        List<Point> out = new ArrayList<>();
        for (Measurement r : rows) {
            double v = column.applyAsDouble(r);
            if (!Double.isNaN(v)) {
                out.add(new Point(r.step(), v));
            }
        }
        out.sort(java.util.Comparator.comparingInt(Point::step));
        return out;
    }

    /**
     * The mean across runs at every step that all runs measured (a step missing in one run, e.g. a run not yet as
     * far, is left out so that the mean never changes its members along the curve).
     */
    public static List<Point> meanCurve(List<List<Point>> curves) {
        if (curves.isEmpty()) {
            return List.of();
        }
        TreeMap<Integer, double[]> acc = new TreeMap<>(); // step -> {sum, count}
        for (List<Point> c : curves) {
            for (Point p : c) {
                double[] a = acc.computeIfAbsent(p.step(), s -> new double[2]);
                a[0] += p.value();
                a[1]++;
            }
        }
        List<Point> out = new ArrayList<>();
        acc.forEach((step, a) -> {
            if (a[1] == curves.size()) {
                out.add(new Point(step, a[0] / a[1]));
            }
        });
        return out;
    }

    /** The last point of a curve, or null when it is empty. */
    public static Point last(List<Point> curve) {
        return curve.isEmpty() ? null : curve.get(curve.size() - 1);
    }

    /**
     * The first step at which the curve reaches {@code target} (value at or below it), linearly interpolated between
     * the last evaluation above and the first at or below: s0 + (v0 - target) / (v0 - v1) * (s1 - s0). When the first
     * evaluation already reaches it, its step (nothing is known before it). NaN when never reached.
     */
    public static double firstReach(List<Point> curve, double target) {
        for (int i = 0; i < curve.size(); i++) {
            Point p = curve.get(i);
            if (p.value() <= target) {
                if (i == 0) {
                    return p.step();
                }
                Point q = curve.get(i - 1);
                return q.step() + (q.value() - target) / (q.value() - p.value()) * (p.step() - q.step());
            }
        }
        return Double.NaN;
    }

    /**
     * Student-t interval for the mean of {@code values} (NaN entries are left out): mean ± t(n-1, (1+level)/2) s/sqrt(n)
     * with s the sample standard deviation. halfWidth is NaN for fewer than 2 values.
     */
    public static Interval tInterval(double[] values, double level) {
        int n = 0;
        double sum = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                n++;
                sum += v;
            }
        }
        if (n == 0) {
            return new Interval(0, Double.NaN, Double.NaN, level);
        }
        double mean = sum / n;
        if (n < 2) {
            return new Interval(1, mean, Double.NaN, level);
        }
        double ss = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                ss += (v - mean) * (v - mean);
            }
        }
        double sd = Math.sqrt(ss / (n - 1));
        double t = new TDistribution(null, n - 1).inverseCumulativeProbability(0.5 + level / 2);
        return new Interval(n, mean, t * sd / Math.sqrt(n), level);
    }

    /** The mean of the non-NaN values, NaN when there are none. */
    public static double mean(double[] values) {
        double sum = 0;
        int n = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
