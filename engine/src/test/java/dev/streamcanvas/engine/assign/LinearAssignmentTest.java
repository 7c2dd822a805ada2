package dev.streamcanvas.engine.assign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinearAssignmentTest {

    @Test
    void matchesBruteForceOnEverySmallSize() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int n = 1; n <= 8; n++) {
            for (int trial = 0; trial < 30; trial++) {
                float[] c = new float[n * n];
                boolean integerTies = trial % 3 == 0; // many equal costs exercise the tie paths
                for (int i = 0; i < c.length; i++) {
                    c[i] = integerTies ? rng.nextInt(4) : (float) (rng.nextDouble() * 100);
                }
                LinearAssignment.Solution s = LinearAssignment.solve(c, n);
                assertThat(NoiseAssignment.isPermutation(s.rowToCol())).isTrue();
                assertThat(s.cost()).as("n=%d trial=%d", n, trial).isCloseTo(bruteForce(c, n), within(1e-4));
            }
        }
    }

    @Test
    void matchesAnIndependentHungarianOnRandomProblemsFrom50To300() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int n : new int[] {50, 97, 150, 300}) {
            float[] c = new float[n * n];
            for (int i = 0; i < c.length; i++) {
                c[i] = (float) (rng.nextDouble() * 1000);
            }
            LinearAssignment.Solution s = LinearAssignment.solve(c, n);
            assertThat(NoiseAssignment.isPermutation(s.rowToCol())).isTrue();
            double ref = hungarian(c, n);
            assertThat(s.cost()).as("n=%d", n).isCloseTo(ref, within(1e-6 * ref));
        }
    }

    @Test
    void dualCertificateProvesOptimalityOnDistanceMatrices() {
        // LP duality: u_i + v_j <= c_ij for all pairs, with equality on the chosen pairs => the permutation is optimal
        SplittableRandom rng = new SplittableRandom(8);
        for (int n : new int[] {60, 200}) {
            int d = 32;
            float[] x = new float[n * d];
            float[] e = new float[n * d];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rng.nextDouble() * 2 - 1);
                e[i] = (float) Gaussian.next(rng);
            }
            float[] c = CostMatrix.l2(x, n, e, n, d);
            LinearAssignment.Solution s = LinearAssignment.solve(c, n);
            double tol = 1e-9 * n * 100;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    assertThat(s.u()[i] + s.v()[j]).isLessThanOrEqualTo(c[i * n + j] + tol);
                }
                assertThat(s.u()[i] + s.v()[s.rowToCol()[i]]).isCloseTo(c[i * n + s.rowToCol()[i]], within(tol));
            }
            double dual = Arrays.stream(s.u()).sum() + Arrays.stream(s.v()).sum();
            assertThat(s.cost()).isCloseTo(dual, within(1e-6 * s.cost()));
        }
    }

    @Test
    void certificateViolationIsZeroForTheSolverAndPositiveForASwappedPair() {
        // 2x2 by hand: [[1, 4], [3, 1]]: the diagonal (cost 2) is optimal, the swap costs 7
        float[] c = {1, 4, 3, 1};
        LinearAssignment.Solution s = LinearAssignment.solve(c, 2);
        assertThat(s.rowToCol()).containsExactly(0, 1);
        assertThat(s.certificateViolation(c)).isLessThan(1e-12);
        // the same duals cannot certify the swapped pairing: slackness fails on the pairs it uses
        LinearAssignment.Solution swapped = new LinearAssignment.Solution(new int[] {1, 0}, s.u(), s.v(), 7);
        assertThat(swapped.certificateViolation(c)).isGreaterThan(1);
    }

    @Test
    void rejectsAMalformedMatrixNamingTheSizes() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LinearAssignment.solve(new float[5], 2))
                .hasMessageContaining("5 values").hasMessageContaining("2*2");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LinearAssignment.solve(new float[] {1, Float.NaN, 0, 0}, 2))
                .hasMessageContaining("non-finite");
    }

    static double bruteForce(float[] c, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        double best = Double.POSITIVE_INFINITY;
        do {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += c[i * n + p[i]];
            }
            best = Math.min(best, s);
        } while (nextPermutation(p));
        return best;
    }

    private static boolean nextPermutation(int[] p) {
        int i = p.length - 2;
        while (i >= 0 && p[i] >= p[i + 1]) {
            i--;
        }
        if (i < 0) {
            return false;
        }
        int j = p.length - 1;
        while (p[j] <= p[i]) {
            j--;
        }
        int t = p[i];
        p[i] = p[j];
        p[j] = t;
        for (int a = i + 1, b = p.length - 1; a < b; a++, b--) {
            t = p[a];
            p[a] = p[b];
            p[b] = t;
        }
        return true;
    }

    /** Textbook O(n^3) Hungarian method with row/column potentials (1-based arrays), written independently. */
    static double hungarian(float[] c, int n) {
        double inf = Double.POSITIVE_INFINITY;
        double[] u = new double[n + 1];
        double[] v = new double[n + 1];
        int[] p = new int[n + 1];
        int[] way = new int[n + 1];
        for (int i = 1; i <= n; i++) {
            p[0] = i;
            int j0 = 0;
            double[] minv = new double[n + 1];
            Arrays.fill(minv, inf);
            boolean[] used = new boolean[n + 1];
            do {
                used[j0] = true;
                int i0 = p[j0];
                double delta = inf;
                int j1 = 0;
                for (int j = 1; j <= n; j++) {
                    if (!used[j]) {
                        double cur = c[(i0 - 1) * n + (j - 1)] - u[i0] - v[j];
                        if (cur < minv[j]) {
                            minv[j] = cur;
                            way[j] = j0;
                        }
                        if (minv[j] < delta) {
                            delta = minv[j];
                            j1 = j;
                        }
                    }
                }
                for (int j = 0; j <= n; j++) {
                    if (used[j]) {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (p[j0] != 0);
            do {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        double total = 0;
        for (int j = 1; j <= n; j++) {
            total += c[(p[j] - 1) * n + (j - 1)];
        }
        return total;
    }
}
