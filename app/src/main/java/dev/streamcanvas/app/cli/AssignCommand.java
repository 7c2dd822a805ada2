package dev.streamcanvas.app.cli;

import dev.streamcanvas.engine.assign.CostMatrix;
import dev.streamcanvas.engine.assign.LinearAssignment;
import dev.streamcanvas.engine.assign.NoiseAssignment;
import dev.streamcanvas.engine.assign.OrtCostMatrix;
import dev.streamcanvas.engine.io.Npy;
import dev.streamcanvas.engine.train.DjlCostMatrix;
import dev.streamcanvas.engine.train.SyntheticImages;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code streamcanvas assign}: Immiscible Diffusion noise assignment for a batch in .npy files, or its benchmark. */
@Command(name = "assign", defaultValueProvider = SharedOptions.Defaults.class, mixinStandardHelpOptions = true,
        description = {"Assign noise to images so the summed plain L2 image-noise distance is minimal (Immiscible Diffusion).",
            "Writes, for each image i, the row of the noise file to pair with it (int64 .npy).",
            "  streamcanvas assign --images X.npy --noise N.npy --out P.npy [--quantize fp16] [--knn k]",
            "  streamcanvas assign --bench [--sizes 128,256,...] [--dims 3072] [--threads t] [--no-scipy]"})
public final class AssignCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--bench", description = "Time cost matrix and solver over batch sizes and dimensions.")
    boolean bench;

    @Option(names = "--images", paramLabel = "X.npy", description = "Images or latents, shape [n, ...] (float16/32/64).")
    Path images;

    @Option(names = "--noise", paramLabel = "N.npy",
            description = "Noise, shape [n, ...] (with --knn: [n*k, ...], rows i*k..i*k+k-1 are image i's candidates).")
    Path noise;

    @Option(names = "--out", paramLabel = "P.npy", description = "Output: int64 [n], the noise row for each image.")
    Path out;

    @Option(names = "--labels", paramLabel = "L.npy", description = "Optional class label per image (int): assign within each class.")
    Path labels;

    @Option(names = "--quantize", defaultValue = "exact", description = "Cost precision before solving: exact or fp16 (default ${DEFAULT-VALUE}).")
    String quantize;

    @Option(names = "--knn", paramLabel = "k", description = "Nearest-of-k instead of a permutation: each image keeps the closest of its k candidates.")
    Integer knn;

    @Option(names = "--sizes", split = ",", defaultValue = "128,256,512,1024,2048,4096", description = "Bench batch sizes (default ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--dims", split = ",", defaultValue = "3072", description = "Bench dimensions (default ${DEFAULT-VALUE}).")
    List<Integer> dims;

    @Option(names = "--data", defaultValue = "smooth", description = "Bench images: smooth (image-like, [-1,1]) or uniform (i.i.d. in [-1,1]) (default ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--pytorch-cost", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Bench also the cost matrix on DJL's PyTorch engine (default ${DEFAULT-VALUE}).")
    boolean pytorchCost;

    @Mixin
    SharedOptions.Seed seedOption;

    @Option(names = "--threads", defaultValue = "0",
            description = "Bench: threads for the ONNX Runtime and PyTorch products (0: one per core) (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--repeats", defaultValue = "5",
            description = "Bench: timed runs per size, the best reported (1 from B = " + ONE_RUN_FROM + ") (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--reference", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Bench also the Java product (the reference) and compare its assignment with ours (default ${DEFAULT-VALUE}).")
    boolean reference;

    @Option(names = "--scipy", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Bench also scipy's cdist + linear_sum_assignment on the same arrays when python3 has numpy and scipy (default ${DEFAULT-VALUE}).")
    boolean scipy;

    @Option(names = "--python", defaultValue = "python3", description = "Python for the scipy column (default ${DEFAULT-VALUE}).")
    String python;

    /** From this batch size on the bench times one run per size (scipy's cdist takes minutes there). */
    static final int ONE_RUN_FROM = 2048;
    private static final int WARM_UP_CALLS = 20;
    private static final long WARM_UP_MS = 1000;

    @Override
    public Integer call() throws Exception {
        try {
            return assign();
        } catch (java.io.IOException e) { // an unreadable or unsuitable .npy: one line naming the file
            spec.commandLine().getErr().println("assign: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 2;
        }
    }

    /** Refuses NaN and infinities, naming the file, the row and the value (they would poison every distance). */
    static void requireFinite(Npy.Array a, Path file, int rowLength) throws java.io.IOException {
        double[] v = a.values();
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new java.io.IOException(file + ": row " + i / rowLength + ", value " + i % rowLength + " is "
                        + (Double.isNaN(v[i]) ? "NaN" : v[i] > 0 ? "+Infinity" : "-Infinity")
                        + " (images and noise must be finite)");
            }
        }
    }

    private Integer assign() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        if (bench) {
            runBench(o);
            return 0;
        }
        if (images == null || noise == null || out == null) {
            throw new ParameterException(spec.commandLine(), "give --images, --noise and --out (or --bench)");
        }
        NoiseAssignment.Quantization q = parseQuantization();
        Npy.Array x = Npy.read(images);
        Npy.Array e = Npy.read(noise);
        if (x.shape().length < 1 || x.shape()[0] < 1) {
            throw new ParameterException(spec.commandLine(), images + ": expected shape [n, ...], found " + x.shapeString());
        }
        int n = (int) x.shape()[0];
        int d = (int) (x.size() / n);
        int k = knn == null ? 1 : knn;
        if (k < 1) {
            throw new ParameterException(spec.commandLine(), "--knn must be at least 1, got " + k);
        }
        requireFinite(x, images, d);
        requireFinite(e, noise, d);
        if (e.size() != (long) n * k * d) {
            throw new ParameterException(spec.commandLine(), noise + ": expected " + (long) n * k + " rows of " + d
                    + " values (shape [" + n * k + ", ...] to match " + images + " " + x.shapeString()
                    + (knn == null ? "" : " with --knn " + k) + "), found shape " + e.shapeString());
        }
        int[] pick;
        String what;
        if (knn != null) {
            pick = NoiseAssignment.nearestOfK(x.toFloats(), e.toFloats(), n, k, d);
            what = "nearest-of-" + k;
        } else if (labels != null) {
            Npy.Array l = Npy.read(labels);
            if (l.size() != n) {
                throw new ParameterException(spec.commandLine(), labels + ": expected " + n + " labels, found shape " + l.shapeString());
            }
            if (l.dtype() != Npy.DType.INT32 && l.dtype() != Npy.DType.INT64) {
                throw new java.io.IOException(labels + ": labels must be integers (int32 or int64), found "
                        + l.dtype() + " (convert with labels.astype(np.int64))");
            }
            int[] lab = new int[n];
            for (int i = 0; i < n; i++) {
                lab[i] = (int) l.values()[i];
            }
            NoiseAssignment.Result r;
            try (OrtCostMatrix costs = new OrtCostMatrix(0, 4)) {
                r = NoiseAssignment.assignPerClass(x.toFloats(), e.toFloats(), lab, n, d, q, costs);
            }
            pick = r.noiseFor();
            what = String.format(Locale.ROOT, "per-class %s assignment, mean distance %+.2f%%", q, r.reductionPercent());
        } else {
            NoiseAssignment.Result r;
            try (OrtCostMatrix costs = new OrtCostMatrix(0, 1)) {
                r = NoiseAssignment.assign(x.toFloats(), e.toFloats(), n, d, q, costs);
            }
            pick = r.noiseFor();
            what = String.format(Locale.ROOT, "%s assignment, mean distance %+.2f%% (cost matrix %.0f ms, solve %.0f ms)",
                    q, r.reductionPercent(), r.costMatrixMs(), r.solveMs());
        }
        long[] p = new long[n];
        for (int i = 0; i < n; i++) {
            p[i] = pick[i];
        }
        Npy.writeLongs(out, p, n);
        o.printf(Locale.ROOT, "%s: n=%d d=%d, %s -> %s%n", images.getFileName(), n, d, what, out);
        o.flush();
        return 0;
    }

    private NoiseAssignment.Quantization parseQuantization() {
        switch (quantize.toLowerCase(Locale.ROOT)) {
            case "exact":
            case "fp32":
                return NoiseAssignment.Quantization.EXACT;
            case "fp16":
                return NoiseAssignment.Quantization.FP16;
            default:
                throw new ParameterException(spec.commandLine(), "--quantize must be exact or fp16, got '" + quantize + "'");
        }
    }

    private void runBench(PrintWriter o) throws IOException {
        if (!pytorchCost) {
            runBench(o, null);
            return;
        }
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads > 0 ? threads : cores()));
        }
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager("PyTorch")) {
            runBench(o, m);
        }
    }

    private void runBench(PrintWriter o, ai.djl.ndarray.NDManager pytorch) throws IOException {
        boolean smooth;
        switch (data) {
            case "smooth":
                smooth = true;
                break;
            case "uniform":
                smooth = false;
                break;
            default:
                throw new ParameterException(spec.commandLine(), "--data must be smooth or uniform, got '" + data + "'");
        }
        if (repeats < 1) {
            throw new ParameterException(spec.commandLine(), "--repeats must be at least 1, got " + repeats);
        }
        if (threads < 0) {
            throw new ParameterException(spec.commandLine(), "--threads must be >= 0, got " + threads);
        }
        StringBuilder whyNot = new StringBuilder();
        ScipyReference sp = scipy ? ScipyReference.find(python, whyNot).orElse(null) : null;
        int t = threads > 0 ? threads : cores();
        o.printf(Locale.ROOT, "images: %s; noise: standard normal%n",
                smooth ? "smooth image-like fields in [-1,1] (3x32x32 / 4x32x32 random low-frequency cosines, tanh)"
                        : "i.i.d. uniform in [-1,1]");
        o.printf(Locale.ROOT, "ours: cost matrix on ONNX Runtime's CPU GEMM (threads: %d) + our Jonker-Volgenant (exact,"
                + " 1 thread); java cost: the Java product (threads: %d)%s; pt cost: DJL PyTorch GEMM (%s)%n", t, cores(),
                reference ? "" : ", off", pytorch == null ? "off" : "threads: " + t);
        if (sp != null) {
            o.printf(Locale.ROOT, "scipy: cdist + linear_sum_assignment on the same arrays (%s; 1 thread), timed in Python%n",
                    sp.versions());
        } else {
            o.printf(Locale.ROOT, "scipy: skipped (%s)%n", scipy ? python + " with numpy and scipy not usable: " + whyNot
                    : "--no-scipy");
        }
        o.printf(Locale.ROOT, "times: best of %d runs (the machine's load only adds time) after a warm-up of up to 20 calls or 1 s (1 run at"
                + " B >= %d), ms; ratio: scipy ms / ours ms;"
                + " !=java, !=scipy: rows whose noise differs between our assignment and the one on the Java cost matrix /"
                + " scipy's; cert: largest violation of our solution's dual optimality certificate%n", repeats, ONE_RUN_FROM);
        o.printf(Locale.ROOT, "%6s %6s %9s %9s %9s %10s %10s %10s %9s %10s %8s %6s %6s %8s %10s %11s%n", "B", "D",
                "cost ms", "solve ms", "ours ms", "java cost", "pt cost", "scipy cd", "scipy la", "scipy ms", "ratio",
                "!=java", "!=scipy", "cert", "fp16-ex%", "distance%");
        o.flush();
        Path work = sp == null ? null : Files.createTempDirectory("assign-bench");
        try (OrtCostMatrix ort = new OrtCostMatrix(threads, 1)) {
            for (int dim : dims) {
                for (int b : sizes) {
                    benchRow(o, ort, pytorch, sp, work, smooth, b, dim);
                }
            }
        } finally {
            if (work != null) {
                try (var files = Files.list(work)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(work);
            }
        }
    }

    private void benchRow(PrintWriter o, OrtCostMatrix ort, ai.djl.ndarray.NDManager pytorch, ScipyReference sp,
            Path work, boolean smooth, int b, int dim) throws IOException {
        SplittableRandom rng = new SplittableRandom(seedOption.seed + 31L * b + dim);
        int c = dim % 4096 == 0 ? 4 : 3;
        int hw = (int) Math.round(Math.sqrt(dim / (double) c));
        float[] x = smooth && c * hw * hw == dim ? SyntheticImages.smoothBatch(b, c, hw, hw, rng)
                : SyntheticImages.uniformBatch(b, dim, rng);
        float[] e = new float[b * dim];
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) gaussian(rng);
        }
        int reps = b >= ONE_RUN_FROM ? 1 : repeats;
        // ours: the whole assignment as NoiseAssignment.assign does it, after a warm-up (session, JIT): as a
        // training run is after its first steps; at least one call, at most WARM_UP_CALLS or WARM_UP_MS
        NoiseAssignment.Result ours = null;
        long w0 = System.nanoTime();
        for (int w = 0; w < WARM_UP_CALLS && (w == 0 || System.nanoTime() - w0 < WARM_UP_MS * 1_000_000L); w++) {
            ours = NoiseAssignment.assign(x, e, b, dim, NoiseAssignment.Quantization.EXACT, ort);
        }
        double[] costMs = new double[reps];
        double[] solveMs = new double[reps];
        double[] totalMs = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            ours = NoiseAssignment.assign(x, e, b, dim, NoiseAssignment.Quantization.EXACT, ort);
            totalMs[r] = (System.nanoTime() - t0) / 1e6;
            costMs[r] = ours.costMatrixMs();
            solveMs[r] = ours.solveMs();
        }
        double javaMs = Double.NaN;
        String sameJava = "-";
        if (reference) {
            long j0 = System.nanoTime();
            float[] ref = CostMatrix.l2(x, b, e, b, dim);
            javaMs = (System.nanoTime() - j0) / 1e6;
            sameJava = Integer.toString(differingRows(ours.noiseFor(), NoiseAssignment.solve(ref, b,
                    NoiseAssignment.Quantization.EXACT)));
        }
        double ptMs = Double.NaN;
        if (pytorch != null) {
            DjlCostMatrix.l2(x, b, e, b, dim, pytorch); // warm-up
            double[] pt = new double[reps];
            for (int r = 0; r < reps; r++) {
                long p0 = System.nanoTime();
                DjlCostMatrix.l2(x, b, e, b, dim, pytorch);
                pt[r] = (System.nanoTime() - p0) / 1e6;
            }
            ptMs = best(pt);
        }
        // the same product and solve once more, untimed, to check the dual certificate of our assignment
        float[] cost = ort.l2(x, b, e, b, dim);
        LinearAssignment.Solution sol = LinearAssignment.solve(cost, b);
        if (!java.util.Arrays.equals(sol.rowToCol(), ours.noiseFor())) {
            throw new IllegalStateException("B=" + b + ": the assignment changed between two solves of the same costs");
        }
        double violation = sol.certificateViolation(cost);
        int[] half = NoiseAssignment.solve(cost, b, NoiseAssignment.Quantization.FP16);
        double halfCost = 0;
        for (int i = 0; i < b; i++) {
            halfCost += cost[i * b + half[i]];
        }
        ScipyReference.Timing s = null;
        if (sp != null) {
            Path xf = work.resolve("x.npy");
            Path ef = work.resolve("e.npy");
            Npy.writeFloats(xf, x, b, dim);
            Npy.writeFloats(ef, e, b, dim);
            s = sp.run(xf, ef, reps, work);
        }
        double ourMs = best(totalMs);
        o.printf(Locale.ROOT, "%6d %6d %9.1f %9.1f %9.1f %10s %10s %10s %9s %10s %8s %6s %6s %8.1e %10.5f %+11.3f%n", b, dim,
                best(costMs), best(solveMs), ourMs, ms(javaMs), ms(ptMs),
                s == null ? "-" : ms(s.cdistMs()), s == null ? "-" : ms(s.solveMs()), s == null ? "-" : ms(s.totalMs()),
                s == null ? "-" : String.format(Locale.ROOT, "%.1fx", s.totalMs() / ourMs),
                sameJava, s == null ? "-" : Integer.toString(differingRows(ours.noiseFor(), s.noiseFor())), violation,
                100 * (halfCost - ours.assignedCost()) / ours.assignedCost(), ours.reductionPercent());
        o.flush();
    }

    /** A time in ms with one decimal, or "-" when it was not measured (NaN). */
    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static int differingRows(int[] p, int[] q) {
        int n = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] != q[i]) {
                n++;
            }
        }
        return n;
    }

    private static double best(double[] v) {
        return java.util.Arrays.stream(v).min().orElseThrow();
    }

    private static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    private static double gaussian(SplittableRandom rng) {
        return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
}
