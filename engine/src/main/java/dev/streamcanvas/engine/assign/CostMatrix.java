package dev.streamcanvas.engine.assign;

import java.util.stream.IntStream;

/**
 * Pairwise plain (not squared) L2 distances between the rows of two matrices, computed as
 * {@code sqrt(|x|^2 + |e|^2 - 2 x.e)} with one blocked matrix product instead of a triple loop over differences.
 *
 * <p>Precision: the dot products are accumulated in float over chunks of {@value #K_BLOCK} coordinates and the
 * chunk sums are added in double; norms are computed in double; a squared distance that rounding pushes below
 * zero is clamped to zero before the square root. For image/noise batches (rows far apart relative to their
 * norms) the result matches a double-precision difference-based reference to about 1e-6 relative.
 */
public final class CostMatrix {
    static final int K_BLOCK = 256;
    static final int J_BLOCK = 512;
    static final int ROW_CHUNK = 16;

    /** The Java product ({@link #l2}): the tested reference for the faster backends. */
    public static final Backend JAVA = CostMatrix::l2;

    private CostMatrix() {
    }

    /**
     * Something that computes the [n, m] matrix of plain L2 distances between the rows of a [n, d] and b [m, d]
     * (row-major float arrays), as {@link #l2} does: the Java product {@link #JAVA}, or {@link OrtCostMatrix}.
     */
    @FunctionalInterface
    public interface Backend {
        float[] l2(float[] a, int n, float[] b, int m, int d);
    }

    /**
     * Distances between every row of {@code a} and every row of {@code b}.
     *
     * @param a [n, d] row-major
     * @param b [m, d] row-major
     * @return [n, m] row-major: entry (i, j) is |a_i - b_j|
     */
    public static float[] l2(float[] a, int n, float[] b, int m, int d) {
        if (a.length != (long) n * d) {
            throw new IllegalArgumentException("first matrix holds " + a.length + " values, expected n*d = " + n + "*" + d);
        }
        if (b.length != (long) m * d) {
            throw new IllegalArgumentException("second matrix holds " + b.length + " values, expected m*d = " + m + "*" + d);
        }
        double[] na = squaredNorms(a, n, d);
        double[] nb = squaredNorms(b, m, d);
        // bt: [d, m], so that the inner loop is a contiguous axpy the JIT vectorises
        float[] bt = new float[d * m];
        for (int j = 0; j < m; j++) {
            for (int k = 0; k < d; k++) {
                bt[k * m + j] = b[j * d + k];
            }
        }
        float[] out = new float[n * m];
        int chunks = (n + ROW_CHUNK - 1) / ROW_CHUNK;
        IntStream.range(0, chunks).parallel().forEach(c -> {
            int i0 = c * ROW_CHUNK;
            int i1 = Math.min(n, i0 + ROW_CHUNK);
            double[] dot = new double[(i1 - i0) * m]; // [rows, m]
            float[] part = new float[J_BLOCK];
            for (int j0 = 0; j0 < m; j0 += J_BLOCK) {
                int jn = Math.min(J_BLOCK, m - j0);
                for (int k0 = 0; k0 < d; k0 += K_BLOCK) {
                    int k1 = Math.min(d, k0 + K_BLOCK);
                    for (int i = i0; i < i1; i++) {
                        java.util.Arrays.fill(part, 0, jn, 0f);
                        int rowBase = i * d;
                        for (int k = k0; k < k1; k++) {
                            float x = a[rowBase + k];
                            int bBase = k * m + j0;
                            for (int j = 0; j < jn; j++) {
                                part[j] += x * bt[bBase + j];
                            }
                        }
                        int dBase = (i - i0) * m + j0;
                        for (int j = 0; j < jn; j++) {
                            dot[dBase + j] += part[j];
                        }
                    }
                }
            }
            for (int i = i0; i < i1; i++) {
                for (int j = 0; j < m; j++) {
                    double sq = na[i] + nb[j] - 2 * dot[(i - i0) * m + j];
                    out[i * m + j] = (float) Math.sqrt(Math.max(0, sq));
                }
            }
        });
        return out;
    }

    /** Squared L2 norm of each row of {@code x} [n, d], accumulated in double. */
    public static double[] squaredNorms(float[] x, int n, int d) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < d; k++) {
                double v = x[i * d + k];
                s += v * v;
            }
            out[i] = s;
        }
        return out;
    }

    /** Distance between row {@code i} of {@code a} and row {@code j} of {@code b}, by differences in double. */
    public static double distance(float[] a, int i, float[] b, int j, int d) {
        double s = 0;
        for (int k = 0; k < d; k++) {
            double t = (double) a[i * d + k] - b[j * d + k];
            s += t * t;
        }
        return Math.sqrt(s);
    }
}
