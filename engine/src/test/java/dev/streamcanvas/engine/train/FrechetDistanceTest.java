package dev.streamcanvas.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FrechetDistanceTest {

    /** 2d points {+sigma_k e_k + shift, -sigma_k e_k + shift}: mean = shift, covariance diag(2 sigma_k^2 / (2d - 1)). */
    private static float[] axisSet(double[] sigma, double shift) {
        int d = sigma.length;
        float[] x = new float[2 * d * d];
        for (int k = 0; k < d; k++) {
            for (int j = 0; j < d; j++) {
                x[(2 * k) * d + j] = (float) shift;
                x[(2 * k + 1) * d + j] = (float) shift;
            }
            x[(2 * k) * d + k] += (float) sigma[k];
            x[(2 * k + 1) * d + k] -= (float) sigma[k];
        }
        return x;
    }

    @Test
    void diagonalCovariancesGiveTheClosedForm() {
        double[] s1 = {1.0, 0.5, 2.0, 0.25, 1.5};
        double[] s2 = {0.3, 0.5, 1.0, 2.0, 0.1};
        int d = s1.length;
        // closed form for diagonal covariances: |mu1 - mu2|^2 + sum_k (sqrt(c1_k) - sqrt(c2_k))^2
        double expected = d * 0.7 * 0.7;
        for (int k = 0; k < d; k++) {
            double c1 = 2 * s1[k] * s1[k] / (2 * d - 1);
            double c2 = 2 * s2[k] * s2[k] / (2 * d - 1);
            expected += (Math.sqrt(c1) - Math.sqrt(c2)) * (Math.sqrt(c1) - Math.sqrt(c2));
        }
        double fd = FrechetDistance.between(axisSet(s1, 0.2), 2 * d, axisSet(s2, 0.9), 2 * d, d);
        assertThat(fd).isCloseTo(expected, within(1e-5));
    }

    @Test
    void rankDeficientCovariancesOfFewSamplesStillGiveADistance() {
        // 9 samples in 16 dimensions (the Train tab's tiny run): covariances of rank 8
        SplittableRandom r = new SplittableRandom(3);
        int n = 9;
        int d = 16;
        float[] a = new float[n * d];
        float[] b = new float[n * d];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
            b[i] = (float) (0.5 * r.nextGaussian() + 0.3);
        }
        double ab = FrechetDistance.between(a, n, b, n, d);
        double ba = FrechetDistance.between(b, n, a, n, d);
        assertThat(ab).isFinite().isPositive();
        assertThat(ba).isCloseTo(ab, within(1e-6 * ab));
        assertThat(FrechetDistance.between(a, n, a, n, d)).isCloseTo(0, within(1e-6));
    }

    @Test
    void squareRootSquaredGivesTheMatrixBackForASingularMatrix() {
        SplittableRandom r = new SplittableRandom(5);
        int d = 12;
        double[][] g = new double[d][4];
        for (double[] row : g) {
            for (int k = 0; k < 4; k++) {
                row[k] = r.nextGaussian();
            }
        }
        double[][] s = new double[d][d]; // G G^T, rank 4
        for (int p = 0; p < d; p++) {
            for (int q = 0; q < d; q++) {
                for (int k = 0; k < 4; k++) {
                    s[p][q] += g[p][k] * g[q][k];
                }
            }
        }
        double[][] root = FrechetDistance.sqrtPsd(s);
        for (int p = 0; p < d; p++) {
            for (int q = 0; q < d; q++) {
                double sq = 0;
                for (int k = 0; k < d; k++) {
                    sq += root[p][k] * root[k][q];
                }
                assertThat(sq).as("(root^2)[%d][%d]", p, q).isCloseTo(s[p][q], within(1e-9 * (1 + Math.abs(s[p][q]))));
            }
        }
    }

    @Test
    void nonFiniteFeaturesGiveNaNInsteadOfStoppingTheRun() {
        float[] a = {0, 1, 2, 3};
        float[] b = {0, Float.NaN, 2, 3};
        assertThat(FrechetDistance.between(a, 2, b, 2, 2)).isNaN();
    }

    /** Sample mean and covariance (n - 1), written out separately from the class under test. */
    private static double[] meanCov2(float[] x, int n) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[2 * i];
            my += x[2 * i + 1];
        }
        mx /= n;
        my /= n;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[2 * i] - mx;
            double dy = x[2 * i + 1] - my;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        return new double[] {mx, my, sxx / (n - 1), sxy / (n - 1), syy / (n - 1)};
    }

    @Test
    void correlatedTwoDimensionalSetsMatchTheTwoByTwoClosedForm() {
        // for 2x2 PSD M: tr sqrt(M) = sqrt(tr M + 2 sqrt(det M)); with M = S1^1/2 S2 S1^1/2,
        // tr M = tr(S1 S2) and det M = det S1 det S2, so no matrix root is needed
        SplittableRandom r = new SplittableRandom(21);
        int n = 50;
        float[] a = new float[2 * n];
        float[] b = new float[2 * n];
        for (int i = 0; i < n; i++) {
            double u = r.nextGaussian();
            double v = r.nextGaussian();
            a[2 * i] = (float) (1.0 * u);
            a[2 * i + 1] = (float) (0.8 * u + 0.3 * v);
            double w = r.nextGaussian();
            double z = r.nextGaussian();
            b[2 * i] = (float) (0.5 + 0.4 * w - 0.9 * z);
            b[2 * i + 1] = (float) (-0.2 + 1.3 * z);
        }
        double[] p = meanCov2(a, n);
        double[] q = meanCov2(b, n);
        double trS1S2 = p[2] * q[2] + 2 * p[3] * q[3] + p[4] * q[4];
        double det1 = p[2] * p[4] - p[3] * p[3];
        double det2 = q[2] * q[4] - q[3] * q[3];
        double expected = (p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) + p[2] + p[4] + q[2] + q[4]
                - 2 * Math.sqrt(trS1S2 + 2 * Math.sqrt(det1 * det2));
        assertThat(expected).isGreaterThan(0.5); // far from the trivial 0
        assertThat(FrechetDistance.between(a, n, b, n, 2)).isCloseTo(expected, within(1e-9 * expected + 1e-12));
    }

    private static double[] meanSd1(float[] x) {
        double m = 0;
        for (float v : x) {
            m += v;
        }
        m /= x.length;
        double ss = 0;
        for (float v : x) {
            ss += (v - m) * (v - m);
        }
        return new double[] {m, Math.sqrt(ss / (x.length - 1))};
    }

    @Test
    void oneDimensionalGaussiansGiveMeanAndSpreadDifferencesSquared() {
        SplittableRandom r = new SplittableRandom(8);
        float[] a = new float[300];
        float[] b = new float[200];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (1.0 + 1.5 * r.nextGaussian());
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextGaussian();
        }
        double[] p = meanSd1(a);
        double[] q = meanSd1(b);
        double expected = (p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]);
        assertThat(FrechetDistance.between(a, a.length, b, b.length, 1)).isCloseTo(expected, within(1e-9));
    }

    @Test
    void bootstrapSpreadMatchesTheDeltaMethodIn1d() {
        // FD = (m1 - m2)^2 + (s1 - s2)^2 with only the generated set (m1, s1) random: for Gaussian data m1 and s1
        // are independent with var(m1) = sigma^2 / n and var(s1) ~ sigma^2 / (2n), so
        // sd(FD) ~ sqrt(4 (m1 - m2)^2 sigma^2 / n + 4 (s1 - s2)^2 sigma^2 / (2n))
        SplittableRandom r = new SplittableRandom(13);
        int n = 400;
        float[] gen = new float[n];
        float[] real = new float[n];
        for (int i = 0; i < n; i++) {
            gen[i] = (float) (1.0 + 1.5 * r.nextGaussian());
            real[i] = (float) r.nextGaussian();
        }
        double[] p = meanSd1(gen);
        double[] q = meanSd1(real);
        double sigma2 = p[1] * p[1];
        double predicted = Math.sqrt(4 * (p[0] - q[0]) * (p[0] - q[0]) * sigma2 / n
                + 4 * (p[1] - q[1]) * (p[1] - q[1]) * sigma2 / (2.0 * n));
        double sd = FrechetDistance.bootstrapStd(gen, n, real, n, 1, 400, 99);
        assertThat(sd).isCloseTo(predicted, within(0.15 * predicted));
        // the same seed gives the same spread; the reference set alone never enters the resampling
        assertThat(FrechetDistance.bootstrapStd(gen, n, real, n, 1, 400, 99)).isEqualTo(sd);
        assertThat(FrechetDistance.bootstrapStd(real, n, real, n, 1, 2, 1)).isFinite();
    }
}
