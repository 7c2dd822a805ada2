package dev.streamcanvas.engine.train;

/**
 * Fréchet distance between two Gaussians fitted to feature sets (as in FID):
 * |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1^1/2 S2 S1^1/2)^1/2). The matrix square roots use symmetric
 * eigendecompositions by cyclic Jacobi rotations (which always converge, also for the rank-deficient covariances
 * of fewer samples than feature dimensions; commons-math's QL iteration failed on such a matrix in a real run),
 * with tiny negative eigenvalues from rounding clamped to zero.
 */
public final class FrechetDistance {
    private static final int MAX_SWEEPS = 100;

    private FrechetDistance() {
    }

    /**
     * a [n, d] and b [m, d] row-major feature sets (n, m >= 2). NaN when a feature is not finite (a diverged
     * model), so that a metric never stops a training run.
     */
    public static double between(float[] a, int n, float[] b, int m, int d) {
        if (n < 2 || m < 2) {
            throw new IllegalArgumentException("need at least 2 samples per set, got " + n + " and " + m);
        }
        if (!finite(a, n * d) || !finite(b, m * d)) {
            return Double.NaN;
        }
        double[] mu1 = mean(a, n, d);
        double[] mu2 = mean(b, m, d);
        double[][] s1 = cov(a, n, d, mu1);
        double[][] s2 = cov(b, m, d, mu2);
        double diff = 0;
        double tr = 0;
        for (int k = 0; k < d; k++) {
            diff += (mu1[k] - mu2[k]) * (mu1[k] - mu2[k]);
            tr += s1[k][k] + s2[k][k];
        }
        double[][] r1 = sqrtPsd(s1);
        double[][] inner = multiply(multiply(r1, s2), r1);
        for (int p = 0; p < d; p++) {
            for (int q = p + 1; q < d; q++) {
                double avg = 0.5 * (inner[p][q] + inner[q][p]);
                inner[p][q] = avg;
                inner[q][p] = avg;
            }
        }
        double trSqrt = 0;
        for (double ev : eigen(inner, null)) {
            trSqrt += Math.sqrt(Math.max(0, ev));
        }
        return Math.max(0, diff + tr - 2 * trSqrt);
    }

    /**
     * Bootstrap standard deviation of {@link #between}(a, b) over resamplings of the first (generated) set: each
     * of {@code rounds} replicates draws n rows of {@code a} with replacement (from {@code seed}), the second set
     * stays as it is; returns the sample standard deviation (n - 1 denominator) of the replicate distances. NaN
     * when a feature is not finite or {@code rounds < 2}.
     *
     * @param a [n, d] generated features
     * @param b [m, d] reference (real) features
     */
    public static double bootstrapStd(float[] a, int n, float[] b, int m, int d, int rounds, long seed) {
        if (rounds < 2 || !finite(a, n * d) || !finite(b, m * d)) {
            return Double.NaN;
        }
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] re = new float[n * d];
        double sum = 0;
        double sq = 0;
        for (int k = 0; k < rounds; k++) {
            for (int i = 0; i < n; i++) {
                System.arraycopy(a, r.nextInt(n) * d, re, i * d, d);
            }
            double fd = between(re, n, b, m, d);
            sum += fd;
            sq += fd * fd;
        }
        double mean = sum / rounds;
        return Math.sqrt(Math.max(0, (sq - rounds * mean * mean) / (rounds - 1)));
    }

    /** The symmetric positive semi-definite square root of symmetric s (negative eigenvalues clamped to 0). */
    static double[][] sqrtPsd(double[][] s) {
        int d = s.length;
        double[][] v = new double[d][d];
        double[] ev = eigen(s, v);
        double[][] out = new double[d][d];
        for (int k = 0; k < d; k++) {
            double r = Math.sqrt(Math.max(0, ev[k]));
            for (int p = 0; p < d; p++) {
                double vpr = v[p][k] * r;
                for (int q = 0; q < d; q++) {
                    out[p][q] += vpr * v[q][k];
                }
            }
        }
        return out;
    }

    /**
     * Eigenvalues of the symmetric matrix s (not modified) by cyclic Jacobi rotations; when v is given it receives
     * the eigenvectors as columns, in the order of the returned values.
     */
    static double[] eigen(double[][] s, double[][] v) {
        int d = s.length;
        double[][] a = new double[d][];
        double total = 0;
        for (int p = 0; p < d; p++) {
            a[p] = s[p].clone();
            for (int q = 0; q < d; q++) {
                total += a[p][q] * a[p][q];
            }
        }
        if (v != null) {
            for (int p = 0; p < d; p++) {
                java.util.Arrays.fill(v[p], 0);
                v[p][p] = 1;
            }
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = 0;
            for (int p = 0; p < d; p++) {
                for (int q = p + 1; q < d; q++) {
                    off += a[p][q] * a[p][q];
                }
            }
            if (off <= 1e-30 * total || off == 0) {
                break;
            }
            for (int p = 0; p < d - 1; p++) {
                for (int q = p + 1; q < d; q++) {
                    if (a[p][q] == 0) {
                        continue;
                    }
                    // rotation J (J_pp = J_qq = c, J_pq = s, J_qp = -s) that zeroes a[p][q] in J^T a J
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    double c = 1 / Math.sqrt(t * t + 1);
                    double sn = t * c;
                    for (int k = 0; k < d; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - sn * akq;
                        a[k][q] = sn * akp + c * akq;
                    }
                    for (int k = 0; k < d; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - sn * aqk;
                        a[q][k] = sn * apk + c * aqk;
                    }
                    if (v != null) {
                        for (int k = 0; k < d; k++) {
                            double vkp = v[k][p];
                            double vkq = v[k][q];
                            v[k][p] = c * vkp - sn * vkq;
                            v[k][q] = sn * vkp + c * vkq;
                        }
                    }
                }
            }
        }
        double[] ev = new double[d];
        for (int k = 0; k < d; k++) {
            ev[k] = a[k][k];
        }
        return ev;
    }

    private static double[][] multiply(double[][] x, double[][] y) {
        int d = x.length;
        double[][] out = new double[d][d];
        for (int p = 0; p < d; p++) {
            for (int k = 0; k < d; k++) {
                double xpk = x[p][k];
                for (int q = 0; q < d; q++) {
                    out[p][q] += xpk * y[k][q];
                }
            }
        }
        return out;
    }

    private static boolean finite(float[] x, int len) {
        for (int i = 0; i < len; i++) {
            if (!Float.isFinite(x[i])) {
                return false;
            }
        }
        return true;
    }

    private static double[] mean(float[] x, int n, int d) {
        double[] mu = new double[d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                mu[k] += x[i * d + k];
            }
        }
        for (int k = 0; k < d; k++) {
            mu[k] /= n;
        }
        return mu;
    }

    private static double[][] cov(float[] x, int n, int d, double[] mu) {
        double[][] c = new double[d][d];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < d; p++) {
                double dp = x[i * d + p] - mu[p];
                for (int q = p; q < d; q++) {
                    c[p][q] += dp * (x[i * d + q] - mu[q]);
                }
            }
        }
        for (int p = 0; p < d; p++) {
            for (int q = p; q < d; q++) {
                c[p][q] /= n - 1;
                c[q][p] = c[p][q];
            }
        }
        return c;
    }
}
