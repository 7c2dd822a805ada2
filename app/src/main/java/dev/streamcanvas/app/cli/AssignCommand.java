package dev.streamcanvas.app.cli;

import dev.streamcanvas.engine.io.Npy;
import dev.streamcanvas.engine.train.CostMatrix;
import dev.streamcanvas.engine.train.LinearAssignment;
import dev.streamcanvas.engine.train.NoiseAssignment;
import dev.streamcanvas.engine.train.SyntheticImages;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code streamcanvas assign}: Immiscible Diffusion noise assignment for a batch in .npy files, or its benchmark. */
@Command(name = "assign", mixinStandardHelpOptions = true,
        description = {"Assign noise to images so the summed plain L2 image-noise distance is minimal (Immiscible Diffusion).",
            "Writes, for each image i, the row of the noise file to pair with it (int64 .npy).",
            "  streamcanvas assign --images X.npy --noise N.npy --out P.npy [--quantize fp16] [--knn k]",
            "  streamcanvas assign --bench [--sizes 64,128,...] [--dims 3072,4096]"})
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

    @Option(names = "--sizes", split = ",", defaultValue = "64,128,256,512,1024,2048,4096", description = "Bench batch sizes (default ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--dims", split = ",", defaultValue = "3072,4096", description = "Bench dimensions (default ${DEFAULT-VALUE}).")
    List<Integer> dims;

    @Option(names = "--data", defaultValue = "smooth", description = "Bench images: smooth (image-like, [-1,1]) or uniform (i.i.d. in [-1,1]) (default ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--pytorch-cost", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Bench also the cost matrix on DJL's PyTorch engine (one thread) (default ${DEFAULT-VALUE}).")
    boolean pytorchCost;

    @Option(names = "--seed", defaultValue = "42", description = "Bench seed (default ${DEFAULT-VALUE}).")
    long seed;

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
            NoiseAssignment.Result r = NoiseAssignment.assignPerClass(x.toFloats(), e.toFloats(), lab, n, d, q);
            pick = r.noiseFor();
            what = String.format(Locale.ROOT, "per-class %s assignment, mean distance %+.2f%%", q, r.reductionPercent());
        } else {
            NoiseAssignment.Result r = NoiseAssignment.assign(x.toFloats(), e.toFloats(), n, d, q);
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

    private void runBench(PrintWriter o) {
        if (!pytorchCost) {
            runBench(o, null);
            return;
        }
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager("PyTorch")) {
            runBench(o, m);
        }
    }

    private void runBench(PrintWriter o, ai.djl.ndarray.NDManager pytorch) {
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
        o.printf(Locale.ROOT, "images: %s; noise: standard normal; %d CPU threads (Java cost matrix); solver: Jonker-Volgenant (exact)%n",
                smooth ? "smooth image-like fields in [-1,1] (3x32x32 / 4x32x32 random low-frequency cosines, tanh)"
                        : "i.i.d. uniform in [-1,1]",
                Runtime.getRuntime().availableProcessors());
        o.printf(Locale.ROOT, "%6s %6s %10s %12s %10s %10s %12s %11s%n", "B", "D", "cost ms", "cost ms(pt)",
                "solve ms", "fp16 ms", "fp16-exact%", "distance%");
        o.flush();
        for (int dim : dims) {
            for (int b : sizes) {
                SplittableRandom rng = new SplittableRandom(seed + 31L * b + dim);
                int c = dim % 4096 == 0 ? 4 : 3;
                int hw = (int) Math.round(Math.sqrt(dim / (double) c));
                float[] x = smooth && c * hw * hw == dim ? SyntheticImages.smoothBatch(b, c, hw, hw, rng)
                        : SyntheticImages.uniformBatch(b, dim, rng);
                float[] e = new float[b * dim];
                for (int i = 0; i < e.length; i++) {
                    e[i] = (float) gaussian(rng);
                }
                long t0 = System.nanoTime();
                float[] cost = CostMatrix.l2(x, b, e, b, dim);
                double costMs = (System.nanoTime() - t0) / 1e6;
                double ptMs = Double.NaN;
                if (pytorch != null) {
                    long p0 = System.nanoTime();
                    CostMatrix.l2OnEngine(x, b, e, b, dim, pytorch);
                    ptMs = (System.nanoTime() - p0) / 1e6;
                }
                long s0 = System.nanoTime();
                LinearAssignment.Solution exact = LinearAssignment.solve(cost, b);
                double solveMs = (System.nanoTime() - s0) / 1e6;
                long h0 = System.nanoTime();
                int[] half = NoiseAssignment.solve(cost, b, NoiseAssignment.Quantization.FP16);
                double halfMs = (System.nanoTime() - h0) / 1e6;
                double identity = 0;
                double halfCost = 0;
                for (int i = 0; i < b; i++) {
                    identity += cost[i * b + i];
                    halfCost += cost[i * b + half[i]];
                }
                o.printf(Locale.ROOT, "%6d %6d %10.1f %12.1f %10.1f %10.1f %12.5f %+11.3f%n", b, dim, costMs, ptMs,
                        solveMs, halfMs, 100 * (halfCost - exact.cost()) / exact.cost(),
                        100 * (exact.cost() - identity) / identity);
                o.flush();
            }
        }
    }

    private static double gaussian(SplittableRandom rng) {
        return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
}
