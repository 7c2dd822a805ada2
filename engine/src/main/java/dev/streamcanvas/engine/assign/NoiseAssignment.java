package dev.streamcanvas.engine.assign;

import dev.streamcanvas.engine.io.Half;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Immiscible Diffusion's noise assignment: before a training batch is noised, the noise rows are permuted so
 * that the sum of plain L2 distances between each image (or latent) and its noise is minimal. Images never
 * move; only noise rows are reordered, so the marginal noise distribution stays standard normal.
 *
 * <p>All matrices are row-major float arrays: images [n, d], noise [n, d]. Results say, for each image i, which
 * noise row to pair with it ({@code noiseFor[i]}). The cost matrix comes from a {@link CostMatrix.Backend}: by
 * default ONNX Runtime's GEMM ({@link OrtCostMatrix#shared()}), or any other passed in, such as the Java reference
 * {@link CostMatrix#JAVA} or an {@link OrtCostMatrix} the caller owns and closes.
 */
public final class NoiseAssignment {
    private NoiseAssignment() {
    }

    /** How a batch's noise is paired with its images (or latents) before the forward process. */
    public enum Mode {
        /** vanilla: noise i with image i */
        NONE,
        /** optimal assignment on float32 distances */
        EXACT,
        /** optimal assignment on fp16-rounded distances */
        FP16,
        /** each image keeps the nearest of k fresh noises (not a permutation; see {@link #sampleNearestOfK}) */
        KNN
    }

    /**
     * Standard normal noise for a batch, paired with {@code images} as {@code mode} says: drawn from {@code rng}
     * and returned row-permuted (EXACT, FP16), drawn as is (NONE), or the nearest of {@code k} draws per image
     * (KNN). Row i of the result is the noise for image i.
     *
     * @param images [n, d] row-major
     * @param k      candidates per image for KNN (ignored otherwise)
     * @return [n, d] row-major
     */
    public static float[] pairedNoise(float[] images, int n, int d, Mode mode, int k, SplittableRandom rng) {
        return pairedNoiseMeasured(images, n, d, mode, k, rng).noise();
    }

    /**
     * Paired noise and what the pairing changed.
     *
     * @param noise            [n, d] row-major, row i for image i
     * @param reductionPercent for EXACT and FP16 {@link Result#reductionPercent()} of the batch (assigned against
     *                         as-drawn pairing); NaN for NONE and KNN
     */
    public record Paired(float[] noise, double reductionPercent) {
    }

    /** As {@link #pairedNoise}, with the same draws from {@code rng}, also returning the distance change. */
    public static Paired pairedNoiseMeasured(float[] images, int n, int d, Mode mode, int k, SplittableRandom rng) {
        return switch (mode) {
            case KNN -> new Paired(sampleNearestOfK(images, n, d, k, rng), Double.NaN);
            case EXACT, FP16 -> {
                float[] raw = Gaussian.fill(new float[n * d], rng);
                Result res = assign(images, raw, n, d, mode == Mode.FP16 ? Quantization.FP16 : Quantization.EXACT);
                yield new Paired(permuteRows(raw, res.noiseFor(), d), res.reductionPercent());
            }
            case NONE -> new Paired(Gaussian.fill(new float[n * d], rng), Double.NaN);
        };
    }

    /** How costs are treated before solving. */
    public enum Quantization {
        /** Solve on float32 distances. */
        EXACT,
        /** Round every distance to the nearest IEEE binary16 value before solving (the paper's quantized mode). */
        FP16
    }

    /**
     * One assignment: the noise row for each image, the total distance with the noise as given (identity
     * pairing) and with the assignment (both on exact float32 distances), and the time spent.
     */
    public record Result(int[] noiseFor, double identityCost, double assignedCost, double costMatrixMs, double solveMs) {
        /** Mean image–noise distance change in percent (negative: the assignment brought noise closer). */
        public double reductionPercent() {
            return identityCost == 0 ? 0 : 100.0 * (assignedCost - identityCost) / identityCost;
        }
    }

    /**
     * Optimal assignment of all noise rows to all images (one batch, no classes), with the cost matrix on ONNX
     * Runtime's GEMM ({@link OrtCostMatrix#shared()}; small batches on the Java product).
     */
    public static Result assign(float[] images, float[] noise, int n, int d, Quantization quantization) {
        return assign(images, noise, n, d, quantization, OrtCostMatrix.shared());
    }

    /** As {@link #assign(float[], float[], int, int, Quantization)} with the cost matrix from {@code costs}. */
    public static Result assign(float[] images, float[] noise, int n, int d, Quantization quantization,
            CostMatrix.Backend costs) {
        checkShapes(images, noise, n, d);
        long t0 = System.nanoTime();
        float[] cost = costs.l2(images, n, noise, n, d);
        long t1 = System.nanoTime();
        int[] perm = solve(cost, n, quantization);
        long t2 = System.nanoTime();
        double identity = 0;
        double assigned = 0;
        for (int i = 0; i < n; i++) {
            identity += cost[i * n + i];
            assigned += cost[i * n + perm[i]];
        }
        return new Result(perm, identity, assigned, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
    }

    /** Solves the assignment for a precomputed [n, n] distance matrix. */
    public static int[] solve(float[] cost, int n, Quantization quantization) {
        float[] c = cost;
        if (quantization == Quantization.FP16) {
            c = new float[cost.length];
            for (int i = 0; i < c.length; i++) {
                c[i] = Half.round(cost[i]);
            }
        }
        return LinearAssignment.solve(c, n).rowToCol();
    }

    /**
     * Assignment within each class: image i may only receive a noise row j with {@code labels[j] == labels[i]}
     * (noise rows are tied to the batch slots of that class). Each class is solved on its own.
     */
    public static Result assignPerClass(float[] images, float[] noise, int[] labels, int n, int d,
            Quantization quantization) {
        return assignPerClass(images, noise, labels, n, d, quantization, OrtCostMatrix.shared());
    }

    /** As {@link #assignPerClass(float[], float[], int[], int, int, Quantization)} with the given cost backend. */
    public static Result assignPerClass(float[] images, float[] noise, int[] labels, int n, int d,
            Quantization quantization, CostMatrix.Backend costs) {
        checkShapes(images, noise, n, d);
        if (labels.length != n) {
            throw new IllegalArgumentException("labels holds " + labels.length + " values, expected one per image (" + n + ")");
        }
        Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            groups.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
        }
        int[] perm = new int[n];
        double identity = 0;
        double assigned = 0;
        double costMs = 0;
        double solveMs = 0;
        for (List<Integer> g : groups.values()) {
            int m = g.size();
            float[] gi = gather(images, g, d);
            float[] gn = gather(noise, g, d);
            Result r = assign(gi, gn, m, d, quantization, costs);
            for (int a = 0; a < m; a++) {
                perm[g.get(a)] = g.get(r.noiseFor()[a]);
            }
            identity += r.identityCost();
            assigned += r.assignedCost();
            costMs += r.costMatrixMs();
            solveMs += r.solveMs();
        }
        return new Result(perm, identity, assigned, costMs, solveMs);
    }

    /**
     * Nearest-of-k: image i has its own k candidate noises (rows {@code i*k .. i*k+k-1} of {@code candidates},
     * shape [n*k, d]) and keeps the closest. Returns, per image, the chosen row of {@code candidates}.
     *
     * <p>Bias: this is not a permutation of one Gaussian batch. The kept noise is the minimum-distance draw, so
     * its distribution is pulled toward the image (its mean is no longer zero given the image, and its norm is
     * slightly smaller on average); the marginal over the data is not exactly N(0, I). The bias shrinks as d
     * grows relative to log k, but it is there; the exact (permutation) modes have none.
     */
    public static int[] nearestOfK(float[] images, float[] candidates, int n, int k, int d) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (images.length != (long) n * d || candidates.length != (long) n * k * d) {
            throw new IllegalArgumentException("expected images [" + n + ", " + d + "] and candidates [" + n * k + ", " + d
                    + "], got " + images.length + " and " + candidates.length + " values");
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                int row = i * k + c;
                double s = 0;
                for (int t = 0; t < d; t++) {
                    double diff = (double) images[i * d + t] - candidates[row * d + t];
                    s += diff * diff;
                }
                if (s < best) {
                    best = s;
                    out[i] = row;
                }
            }
        }
        return out;
    }

    /** Draws n*k standard normal candidates and returns, for each image, the closest of its k (as rows [n, d]). */
    public static float[] sampleNearestOfK(float[] images, int n, int d, int k, SplittableRandom rng) {
        float[] cand = new float[n * k * d];
        for (int i = 0; i < cand.length; i++) {
            cand[i] = (float) Gaussian.next(rng);
        }
        int[] pick = nearestOfK(images, cand, n, k, d);
        float[] out = new float[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(cand, pick[i] * d, out, i * d, d);
        }
        return out;
    }

    /** Returns the noise rows reordered so that row i is the noise assigned to image i. */
    public static float[] permuteRows(float[] noise, int[] noiseFor, int d) {
        float[] out = new float[noiseFor.length * d];
        for (int i = 0; i < noiseFor.length; i++) {
            System.arraycopy(noise, noiseFor[i] * d, out, i * d, d);
        }
        return out;
    }

    /** True when {@code p} holds each of 0..n-1 exactly once. */
    public static boolean isPermutation(int[] p) {
        boolean[] seen = new boolean[p.length];
        for (int v : p) {
            if (v < 0 || v >= p.length || seen[v]) {
                return false;
            }
            seen[v] = true;
        }
        return true;
    }

    private static float[] gather(float[] x, List<Integer> rows, int d) {
        float[] out = new float[rows.size() * d];
        for (int a = 0; a < rows.size(); a++) {
            System.arraycopy(x, rows.get(a) * d, out, a * d, d);
        }
        return out;
    }

    private static void checkShapes(float[] images, float[] noise, int n, int d) {
        if (n < 0 || d < 1) {
            throw new IllegalArgumentException("batch " + n + " and dimension " + d + " must be positive");
        }
        if (images.length != (long) n * d) {
            throw new IllegalArgumentException("images hold " + images.length + " values, expected [" + n + ", " + d + "]");
        }
        if (noise.length != (long) n * d) {
            throw new IllegalArgumentException("noise holds " + noise.length + " values, expected [" + n + ", " + d
                    + "] (one noise row per image)");
        }
    }

    static String describe(int[] p) {
        return Arrays.toString(p);
    }
}
