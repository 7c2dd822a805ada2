package dev.streamcanvas.engine.train;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Fréchet distance between two Gaussians fitted to feature sets (as in FID):
 * |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1^1/2 S2 S1^1/2)^1/2). The matrix square roots use symmetric
 * eigendecompositions, with tiny negative eigenvalues from rounding clamped to zero.
 */
public final class FrechetDistance {
    private FrechetDistance() {
    }

    /** a [n, d] and b [m, d] row-major feature sets (n, m >= 2). */
    public static double between(float[] a, int n, float[] b, int m, int d) {
        if (n < 2 || m < 2) {
            throw new IllegalArgumentException("need at least 2 samples per set, got " + n + " and " + m);
        }
        double[] mu1 = mean(a, n, d);
        double[] mu2 = mean(b, m, d);
        RealMatrix s1 = cov(a, n, d, mu1);
        RealMatrix s2 = cov(b, m, d, mu2);
        double diff = 0;
        for (int k = 0; k < d; k++) {
            diff += (mu1[k] - mu2[k]) * (mu1[k] - mu2[k]);
        }
        RealMatrix r1 = sqrtPsd(s1);
        RealMatrix inner = r1.multiply(s2).multiply(r1);
        inner = inner.add(inner.transpose()).scalarMultiply(0.5);
        double trSqrt = 0;
        for (double ev : new EigenDecomposition(inner).getRealEigenvalues()) {
            trSqrt += Math.sqrt(Math.max(0, ev));
        }
        return Math.max(0, diff + s1.getTrace() + s2.getTrace() - 2 * trSqrt);
    }

    static RealMatrix sqrtPsd(RealMatrix s) {
        EigenDecomposition e = new EigenDecomposition(s);
        RealMatrix v = e.getV();
        double[] ev = e.getRealEigenvalues();
        RealMatrix dm = new Array2DRowRealMatrix(ev.length, ev.length);
        for (int i = 0; i < ev.length; i++) {
            dm.setEntry(i, i, Math.sqrt(Math.max(0, ev[i])));
        }
        return v.multiply(dm).multiply(v.transpose());
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

    private static RealMatrix cov(float[] x, int n, int d, double[] mu) {
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
        return new Array2DRowRealMatrix(c, false);
    }
}
