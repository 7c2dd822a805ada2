package dev.streamcanvas.engine.calib;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The calibration accuracy benchmark on synthetic KITTI-like sequences: several seeds (clean and noisy), the two
 * control cases (constant speed with and without the time offset), and the ablation of the solver's three
 * ingredients. Returns one {@link Case} record per solve; formatting (tables, CSV, overlays) is the caller's.
 */
public final class CalibBenchmark {
    private CalibBenchmark() {
    }

    /** Told about each solve: its progress while it runs and the outcome with its sequence. */
    public interface Listener {
        /** Progress of solve {@code run} of {@code total} (1-based). */
        default CalibProgress progress(int run, int total) {
            return CalibProgress.NONE;
        }

        /** A solve finished. */
        default void solved(Case c, CalibSequence sequence) {
        }
    }

    /**
     * One solved case.
     *
     * @param name       case name ("seeds", a control, or an ablation variant)
     * @param options    the synthetic sequence
     * @param noise      "none" or "realistic"
     * @param solve      solver options used
     * @param result     the solve's outcome (errors against the truth)
     * @param cpuSeconds CPU time of the solving thread
     */
    public record Case(String name, SynthOptions options, String noise, SolveOptions solve, SolveResult result,
            double cpuSeconds) {
        /** {rotation error (deg), translation error (cm), time-offset error (ms)}. */
        public double[] errors() {
            return new double[] {result.rotationErrorDeg(), result.translationErrorCm(), result.deltaErrorMs()};
        }
    }

    /** A solver variant of the ablation. */
    public record Variant(String name, SolveOptions options) {
    }

    /** The true time offset of seed s: alternating sign, 30-90 ms. */
    public static double offsetOf(long s) {
        return (s % 2 == 1 ? 1 : -1) * (30 + (s * 37) % 61);
    }

    /** The default solver and the three variants that each switch one ingredient off. */
    public static List<Variant> ablationVariants() {
        SolveOptions base = SolveOptions.defaults();
        return List.of(new Variant("all three (default)", base),
                new Variant("no point-to-mask cap", base.withAblation(1000, base.ringSpacingDeg(), true)),
                new Variant("no ring-gap allowance", base.withAblation(base.pointCapPx(), 1e-6, true)),
                new Variant("no LIDAR-row limit", base.withAblation(base.pointCapPx(), base.ringSpacingDeg(), false)));
    }

    /** Synthesises and solves one sequence. */
    public static Case solve(String name, SynthOptions o, SolveOptions so, CalibProgress progress,
            BooleanSupplier cancelled) {
        CalibSequence seq = SyntheticSequence.generate(o, null);
        return solve(name, o, seq, so, progress, cancelled);
    }

    private static Case solve(String name, SynthOptions o, CalibSequence seq, SolveOptions so, CalibProgress progress,
            BooleanSupplier cancelled) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu0 = mx.getCurrentThreadCpuTime();
        SolveResult r = Calibrator.solve(seq, seq.initial(), so, progress, cancelled);
        double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
        return new Case(name, o, o.noise().isNone() ? "none" : "realistic", so, r, cpu);
    }

    /**
     * Seeds 1..{@code seeds} for each noise ({@code "none"} or {@code "realistic"}), named "seeds", then (with
     * {@code controls}) the constant-speed control solved with and without the time offset.
     *
     * @throws java.util.concurrent.CancellationException when {@code cancelled} turns true
     */
    public static List<Case> accuracy(int seeds, int frames, List<SynthOptions.Noise> noises, double scale,
            boolean controls, double controlSpeed, Listener listener, BooleanSupplier cancelled) {
        List<Case> out = new ArrayList<>();
        int total = noises.size() * seeds + (controls ? 2 : 0);
        int run = 0;
        for (SynthOptions.Noise nz : noises) {
            for (int s = 1; s <= seeds; s++) {
                SynthOptions o = new SynthOptions(s, frames, offsetOf(s), null, nz, scale, 64, 0.17, 5, 20);
                out.add(run(listener, "seeds", o, SolveOptions.defaults(), ++run, total, cancelled));
            }
        }
        if (controls) {
            double[] constant = new double[frames];
            Arrays.fill(constant, controlSpeed);
            SynthOptions c = new SynthOptions(1, frames, 60, constant, SynthOptions.Noise.NONE, scale, 64, 0.17, 5, 20);
            out.add(run(listener, "constant speed " + controlSpeed + " m/s", c, SolveOptions.defaults(), ++run, total,
                    cancelled));
            out.add(run(listener, "constant speed, δ ignored", c, SolveOptions.defaults().withEstimateTime(false), ++run,
                    total, cancelled));
        }
        return out;
    }

    /**
     * Each {@link #ablationVariants() variant} on seeds 1..{@code seeds}, variant by variant; a case's name is its
     * variant's.
     */
    public static List<Case> ablation(int seeds, int frames, SynthOptions.Noise noise, double scale, Listener listener,
            BooleanSupplier cancelled) {
        List<Variant> variants = ablationVariants();
        List<Case> out = new ArrayList<>();
        int total = variants.size() * seeds;
        int run = 0;
        for (Variant v : variants) {
            for (int s = 1; s <= seeds; s++) {
                SynthOptions o = new SynthOptions(s, frames, offsetOf(s), null, noise, scale, 64,
                        0.17 / Math.min(1, Math.max(0.5, scale)), 5, 20);
                out.add(run(listener, v.name(), o, v.options(), ++run, total, cancelled));
            }
        }
        return out;
    }

    private static Case run(Listener l, String name, SynthOptions o, SolveOptions so, int run, int total,
            BooleanSupplier cancelled) {
        CalibSequence seq = SyntheticSequence.generate(o, null);
        Case c = solve(name, o, seq, so, l.progress(run, total), cancelled);
        l.solved(c, seq);
        return c;
    }
}
