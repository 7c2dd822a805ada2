package dev.streamcanvas.engine.calib;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.SimpleValueChecker;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joint extrinsic and time-offset calibration by the bidirectional segmentation loss (SST-Calib style),
 * coarse to fine:
 * <ol>
 *   <li>spatial fit (rotation, translation) on the stopped frames, where the time offset has no effect, with
 *       caps shrinking from 30 to 3 pixels so a guess 5 degrees / 20 cm off still sees the basin;</li>
 *   <li>the time offset alone on the moving frames (a scan, then a golden-section refinement);</li>
 *   <li>all seven parameters on all frames, starting from there;</li>
 *   <li>a profile check: delta moved by +-20 ms with the spatial parameters re-fitted; if the loss barely rises,
 *       delta trades against translation (e.g. one constant speed) and is reported as poorly determined.</li>
 * </ol>
 * Unknowns are scaled to degrees, centimetres and milliseconds and minimised by Nelder-Mead with restarts.
 */
public final class Calibrator {
    private static final Logger LOG = LoggerFactory.getLogger(Calibrator.class);
    /** delta offsets (ms) of the identifiability profile */
    static final double PROFILE_MS = 20;
    /**
     * delta is poorly determined when re-fitting the other parameters takes back more than 60 % of the loss rise
     * of a delta step (measured: about 0.7 with stopped frames and varied speeds, about 0.2 at one constant speed)
     */
    static final double POORLY_DETERMINED_RATIO = 0.4;

    private final CalibSequence seq;
    private final SolveOptions opt;
    private final CalibProgress progress;
    private final BooleanSupplier cancelled;
    private final BidirectionalLoss loss;
    private final double scale;
    private final int[] stopped;
    private final int[] moving;
    private final int[] all;
    private long evaluations;
    private double progressBase;
    private double progressSpan;
    private String stageName = "";

    private Calibrator(CalibSequence seq, SolveOptions opt, CalibProgress progress, BooleanSupplier cancelled) {
        this.seq = seq;
        this.opt = opt;
        this.progress = progress == null ? CalibProgress.NONE : progress;
        this.cancelled = cancelled == null ? () -> false : cancelled;
        this.scale = seq.camera().width() / 1242.0;
        List<CalibFrame> mapped = mapLabels(seq.frames(), opt.labelMap());
        int[] classes = chooseClasses(mapped, opt.classes());
        double ringGap = 0.5 * seq.camera().fy() * Math.toRadians(opt.ringSpacingDeg());
        this.loss = new BidirectionalLoss(seq.camera(), mapped, classes, ringGap, opt.bandPx());
        this.loss.setLimitToLidarRows(opt.limitRows());
        List<Integer> st = new ArrayList<>();
        List<Integer> mv = new ArrayList<>();
        for (int f = 0; f < mapped.size(); f++) {
            (BidirectionalLoss.medianFlow(mapped.get(f)) < opt.stoppedFlowPxS() ? st : mv).add(f);
        }
        stopped = st.stream().mapToInt(Integer::intValue).toArray();
        moving = mv.stream().mapToInt(Integer::intValue).toArray();
        all = new int[mapped.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
    }

    /**
     * Estimates the extrinsic and time offset from {@code init} (and {@code opt.initialDeltaMs()}).
     *
     * @throws IllegalArgumentException for unusable input (a requested class absent, no class in common)
     * @throws CancellationException    when {@code cancelled} turns true
     */
    public static SolveResult solve(CalibSequence seq, Extrinsic init, SolveOptions opt, CalibProgress progress,
            BooleanSupplier cancelled) {
        return new Calibrator(seq, opt, progress, cancelled).run(init);
    }

    static List<CalibFrame> mapLabels(List<CalibFrame> frames, Map<Integer, Integer> map) {
        if (map.isEmpty()) {
            return frames;
        }
        List<CalibFrame> out = new ArrayList<>();
        for (CalibFrame f : frames) {
            int[] labels = f.cloud().labels().clone();
            for (int i = 0; i < labels.length; i++) {
                labels[i] = map.getOrDefault(labels[i], labels[i]);
            }
            out.add(new CalibFrame(f.name(), f.mask(), f.flow(),
                    new PointCloud(f.cloud().xyz(), labels, f.cloud().intensity()), f.rgb()));
        }
        return out;
    }

    static int[] chooseClasses(List<CalibFrame> frames, int[] requested) {
        TreeSet<Integer> inMasks = new TreeSet<>();
        TreeSet<Integer> inPoints = new TreeSet<>();
        for (CalibFrame f : frames) {
            boolean[] seen = new boolean[256];
            for (byte b : f.mask().ids()) {
                seen[b & 0xff] = true;
            }
            for (int c = 1; c < 256; c++) {
                if (seen[c]) {
                    inMasks.add(c);
                }
            }
            for (int l : f.cloud().labels()) {
                if (l != 0) {
                    inPoints.add(l);
                }
            }
        }
        if (requested != null) {
            if (requested.length == 0) {
                throw new IllegalArgumentException("the class list is empty");
            }
            for (int c : requested) {
                if (c <= 0 || c > 255) {
                    throw new IllegalArgumentException("class " + c + " is not a mask id (expected 1-255)");
                }
                if (!inMasks.contains(c)) {
                    throw new IllegalArgumentException("class " + c + " has no mask pixels in any frame");
                }
                if (!inPoints.contains(c)) {
                    throw new IllegalArgumentException("class " + c + " has no labelled LIDAR points in any frame");
                }
            }
            return requested.clone();
        }
        inMasks.retainAll(inPoints);
        if (inMasks.isEmpty()) {
            throw new IllegalArgumentException("no class id appears in both the masks and the point labels"
                    + " (mask ids and label ids must agree; see the label map)");
        }
        return inMasks.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The objective in scaled unknowns: rotation (deg, axis-angle left-multiplied), translation (cm), delta (ms). */
    private final class Objective {
        final double[] r0;
        final double[] t0;
        final double delta0Ms;
        final boolean[] free;        // which of the 7 unknowns vary
        final double[] x7 = new double[7];
        final double[] r = new double[9];
        final double[] t = new double[3];
        double best = Double.POSITIVE_INFINITY;
        double[] bestX7 = new double[7];

        Objective(Extrinsic base, double deltaMs, boolean[] free) {
            this.r0 = base.r();
            this.t0 = base.t();
            this.delta0Ms = deltaMs;
            this.free = free.clone();
        }

        int dims() {
            int n = 0;
            for (boolean b : free) {
                if (b) {
                    n++;
                }
            }
            return n;
        }

        double value(double[] x) {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("calibration cancelled");
            }
            int k = 0;
            for (int i = 0; i < 7; i++) {
                x7[i] = free[i] ? x[k++] : 0;
            }
            double[] dr = Extrinsic.rotation(Math.toRadians(x7[0]), Math.toRadians(x7[1]), Math.toRadians(x7[2]));
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    r[i * 3 + j] = dr[i * 3] * r0[j] + dr[i * 3 + 1] * r0[3 + j] + dr[i * 3 + 2] * r0[6 + j];
                }
                t[i] = t0[i] + x7[3 + i] / 100;
            }
            double v = loss.evaluate(r, t, (delta0Ms + x7[6]) / 1000);
            evaluations++;
            if (v < best) {
                best = v;
                System.arraycopy(x7, 0, bestX7, 0, 7);
            }
            if (evaluations % 25 == 0) {
                progress.update(stageName, progressBase, best);
            }
            return v;
        }

        Extrinsic bestExtrinsic() {
            return extrinsicAt(bestX7);
        }

        Extrinsic extrinsicAt(double[] x) {
            Extrinsic base = new Extrinsic(r0, t0);
            return base.perturbed(new double[] {Math.toRadians(x[0]), Math.toRadians(x[1]), Math.toRadians(x[2])},
                    new double[] {x[3] / 100, x[4] / 100, x[5] / 100});
        }

        double bestDeltaMs() {
            return delta0Ms + bestX7[6];
        }
    }

    /** Nelder-Mead from the objective's base (x = 0), restarted from the best point while it still improves. */
    private void nelderMead(Objective obj, double[] steps7, int maxEval, int restarts) {
        int n = obj.dims();
        double[] steps = new double[n];
        int k = 0;
        for (int i = 0; i < 7; i++) {
            if (obj.free[i]) {
                steps[k++] = steps7[i];
            }
        }
        double[] start = new double[n];
        double last = Double.POSITIVE_INFINITY;
        for (int round = 0; round <= restarts; round++) {
            SimplexOptimizer nm = new SimplexOptimizer(new SimpleValueChecker(1e-5, 1e-7));
            try {
                nm.optimize(new MaxEval(maxEval), new ObjectiveFunction(obj::value), GoalType.MINIMIZE,
                        new InitialGuess(start), new NelderMeadSimplex(steps));
            } catch (TooManyEvaluationsException e) {
                // keep the best point seen so far
            }
            if (last - obj.best < 1e-4 * Math.abs(last)) {
                break;
            }
            last = obj.best;
            k = 0;
            for (int i = 0; i < 7; i++) {
                if (obj.free[i]) {
                    start[k++] = obj.bestX7[i];
                }
            }
            for (int i = 0; i < n; i++) {
                steps[i] *= 0.5;
            }
        }
    }

    /** Mask pixels deeper than this inside their class are not sampled in the fine stages (full-size pixels). */
    static final double FINE_BAND_PX = 10;
    /** Points deeper than this inside their own class at a fine stage's start are not re-evaluated (full-size pixels). */
    static final double FINE_SKIP_PX = 24;

    private BidirectionalLoss.Stage stage(double cap, int pointStride, double sampleStride, boolean useTime) {
        boolean fine = cap <= 5;
        return new BidirectionalLoss.Stage(cap * scale, cap * scale, pointStride,
                Math.max(1, (int) Math.round(sampleStride * scale)), useTime,
                fine ? FINE_BAND_PX * scale : Double.POSITIVE_INFINITY, fine ? FINE_SKIP_PX * scale : Double.POSITIVE_INFINITY);
    }

    private BidirectionalLoss.Stage finalStage(boolean useTime) {
        return fineStage(useTime, 1, opt.sampleStride());
    }

    private BidirectionalLoss.Stage fineStage(boolean useTime, int pointStride, int sampleStride) {
        return new BidirectionalLoss.Stage(opt.pointCapPx() * scale, opt.maskCapPx() * scale, pointStride,
                Math.max(1, (int) Math.round(sampleStride * scale)), useTime, FINE_BAND_PX * scale, FINE_SKIP_PX * scale);
    }

    private void beginProgress(String name, double base, double span) {
        stageName = name;
        progressBase = base;
        progressSpan = span;
        progress.update(name, base, Double.NaN);
    }

    private SolveResult run(Extrinsic init) {
        long t0 = System.nanoTime();
        List<String> log = new ArrayList<>();
        boolean haveMotion = moving.length > 0;
        boolean useTime = opt.estimateTime() && haveMotion;
        double delta = opt.initialDeltaMs();
        double lossBefore = lossAt(init, delta, all, finalStage(useTime || haveMotion));

        // 1. spatial fit on the stopped frames (all frames when none is stopped)
        int[] spatialFrames = stopped.length > 0 ? stopped : all;
        String which = stopped.length > 0 ? stopped.length + " stopped frames" : "all " + all.length + " frames (none stopped)";
        Extrinsic cur = init;
        boolean[] spatial = {true, true, true, true, true, true, false};
        // {cap px, point stride, sample stride px, rotation step deg, translation step cm, evaluations, restarts}
        double[][] schedule = {{30, 4, 8, 2, 10, 400, 1}, {10, 2, 4, 0.6, 3, 300, 1}, {3, 1, 3, 0.2, 1, 300, 1}};
        for (int s = 0; s < schedule.length; s++) {
            double[] sc = schedule[s];
            beginProgress("spatial fit, cap " + (int) sc[0] + " px", 0.05 + 0.15 * s, 0.15);
            loss.beginStage(stage(sc[0], (int) sc[1], sc[2], false), spatialFrames, cur, delta / 1000);
            Objective obj = new Objective(cur, delta, spatial);
            nelderMead(obj, new double[] {sc[3], sc[3], sc[3], sc[4], sc[4], sc[4], 0}, (int) sc[5], (int) sc[6]);
            cur = obj.bestExtrinsic();
            log.add(String.format(Locale.ROOT, "spatial fit on %s, cap %.0f px: loss %.4f (%d evaluations so far)", which, sc[0],
                    obj.best, evaluations));
        }

        // 2. time offset alone on the moving frames
        if (useTime) {
            beginProgress("time offset scan", 0.5, 0.1);
            loss.beginStage(stage(10, 2, 4, true), moving, cur, delta / 1000);
            boolean[] onlyDelta = {false, false, false, false, false, false, true};
            Objective obj = new Objective(cur, delta, onlyDelta);
            double bestD = 0;
            double bestV = Double.POSITIVE_INFINITY;
            for (double d = -opt.maxDeltaMs(); d <= opt.maxDeltaMs() + 1e-9; d += 5) {
                double v = obj.value(new double[] {d});
                if (v < bestV) {
                    bestV = v;
                    bestD = d;
                }
            }
            delta += bestD;
            loss.beginStage(finalStage(true), moving, cur, delta / 1000);
            obj = new Objective(cur, delta, onlyDelta);
            double g = golden(obj, -6, 6, 0.1);
            delta += g;
            log.add(String.format(Locale.ROOT, "time offset on %d moving frames: %.2f ms, loss %.4f (%d evaluations so far)",
                    moving.length, delta, obj.best, evaluations));
        }

        // 3. joint fit on all frames: first on every second point, then all points
        beginProgress("joint fit", 0.62, 0.25);
        boolean[] free = {true, true, true, true, true, true, useTime};
        BidirectionalLoss.Stage half = fineStage(useTime, 2, 2 * opt.sampleStride());
        loss.beginStage(half, all, cur, delta / 1000);
        Objective joint = new Objective(cur, delta, free);
        nelderMead(joint, new double[] {0.2, 0.2, 0.2, 2, 2, 2, 5}, 600, 2);
        cur = joint.bestExtrinsic();
        delta = joint.bestDeltaMs();
        loss.beginStage(finalStage(useTime), all, cur, delta / 1000);
        joint = new Objective(cur, delta, free);
        nelderMead(joint, new double[] {0.05, 0.05, 0.05, 0.5, 0.5, 0.5, 1}, 300, 1);
        cur = joint.bestExtrinsic();
        delta = joint.bestDeltaMs();
        double lossAfter = joint.best;
        log.add(String.format(Locale.ROOT, "joint fit (%s) on all %d frames: loss %.4f (%d evaluations so far)",
                useTime ? "7 parameters" : "6 parameters, delta fixed", all.length, lossAfter, evaluations));

        // 4. is delta determined? profile it
        SolveResult.DeltaStatus status;
        double spread = Double.NaN;
        if (!opt.estimateTime()) {
            status = SolveResult.DeltaStatus.FIXED;
        } else if (!haveMotion) {
            status = SolveResult.DeltaStatus.NO_MOTION;
        } else {
            beginProgress("time offset profile", 0.88, 0.1);
            double riseFixed = 0;
            double riseProfile = 0;
            loss.beginStage(half, all, cur, delta / 1000);
            double atEstimate = loss.evaluate(cur, delta / 1000);
            for (int sgn = -1; sgn <= 1; sgn += 2) {
                double d = delta + sgn * PROFILE_MS;
                riseFixed += loss.evaluate(cur, d / 1000) - atEstimate;
                // delta trades against translation (mostly along the optical axis); rotation is not re-fitted
                Objective prof = new Objective(cur, d, new boolean[] {false, false, false, true, true, true, false});
                nelderMead(prof, new double[] {0, 0, 0, 2, 2, 6, 0}, 150, 0);
                riseProfile += Math.max(0, prof.best - atEstimate);
            }
            riseFixed /= 2;
            riseProfile /= 2;
            double ratio = riseFixed > 0 ? riseProfile / riseFixed : 0;
            spread = riseProfile > 0 ? PROFILE_MS * Math.sqrt(0.01 * atEstimate / riseProfile) : Double.POSITIVE_INFINITY;
            status = ratio < POORLY_DETERMINED_RATIO ? SolveResult.DeltaStatus.POORLY_DETERMINED
                    : SolveResult.DeltaStatus.DETERMINED;
            log.add(String.format(Locale.ROOT,
                    "delta profile +-%.0f ms: loss rise %.4f with the rest re-fitted, %.4f with it held (ratio %.2f),"
                            + " 1%%-spread %.1f ms",
                    PROFILE_MS, riseProfile, riseFixed, ratio, spread));
        }
        progress.update("done", 1, lossAfter);
        double secs = (System.nanoTime() - t0) / 1e9;
        List<String> stoppedNames = new ArrayList<>();
        for (int f : stopped) {
            stoppedNames.add(seq.frames().get(f).name());
        }
        LOG.debug("calibration: {} evaluations in {} s", evaluations, secs);
        return new SolveResult(init, opt.initialDeltaMs(), cur, delta, status, spread, lossBefore, lossAfter, secs,
                evaluations, stoppedNames, log, seq.truth());
    }

    private double lossAt(Extrinsic e, double deltaMs, int[] frames, BidirectionalLoss.Stage s) {
        loss.beginStage(s, frames, e, deltaMs / 1000);
        return loss.evaluate(e, deltaMs / 1000);
    }

    /** Golden-section search of the (single free) unknown over [a, b]; returns the best point found. */
    private double golden(Objective obj, double a, double b, double tol) {
        double phi = (Math.sqrt(5) - 1) / 2;
        double c = b - phi * (b - a);
        double d = a + phi * (b - a);
        double fc = obj.value(new double[] {c});
        double fd = obj.value(new double[] {d});
        obj.value(new double[] {0});
        while (b - a > tol) {
            if (fc < fd) {
                b = d;
                d = c;
                fd = fc;
                c = b - phi * (b - a);
                fc = obj.value(new double[] {c});
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + phi * (b - a);
                fd = obj.value(new double[] {d});
            }
        }
        return obj.bestX7[6];
    }
}
