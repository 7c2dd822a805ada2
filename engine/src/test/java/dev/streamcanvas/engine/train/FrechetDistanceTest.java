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
}
