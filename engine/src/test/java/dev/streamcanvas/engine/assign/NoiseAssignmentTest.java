package dev.streamcanvas.engine.assign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.streamcanvas.engine.train.SyntheticImages;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NoiseAssignmentTest {

    @Test
    void costMatrixMatchesDistancesComputedByDifferences() {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 37;
        int m = 21;
        int d = 3072 + 5; // not a multiple of the blocks
        float[] a = new float[n * d];
        float[] b = new float[m * d];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) Gaussian.next(rng);
        }
        float[] c = CostMatrix.l2(a, n, b, m, d);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    double t = (double) a[i * d + k] - b[j * d + k];
                    s += t * t;
                }
                assertThat((double) c[i * m + j]).isCloseTo(Math.sqrt(s), within(2e-6 * Math.sqrt(s)));
            }
        }
    }

    @Test
    void nearlyIdenticalRowsGiveZeroNotNaN() {
        float[] a = {1000f, 1000f, 1000f};
        float[] c = CostMatrix.l2(a, 1, a.clone(), 1, 3);
        assertThat(c[0]).isGreaterThanOrEqualTo(0f).isLessThan(1e-2f);
    }

    @Test
    void assignmentIsAPermutationThatMinimisesTheSmallBatchByBruteForce() {
        SplittableRandom rng = new SplittableRandom(21);
        for (int n = 2; n <= 8; n++) {
            int d = 12;
            float[] x = uniform(rng, n * d);
            float[] e = Gaussian.fill(new float[n * d], rng);
            NoiseAssignment.Result r = NoiseAssignment.assign(x, e, n, d, NoiseAssignment.Quantization.EXACT);
            assertThat(NoiseAssignment.isPermutation(r.noiseFor())).isTrue();
            // brute force on distances computed by differences
            float[] c = new float[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    c[i * n + j] = (float) CostMatrix.distance(x, i, e, j, d);
                }
            }
            assertThat(r.assignedCost()).isCloseTo(LinearAssignmentTest.bruteForce(c, n), within(1e-3));
            assertThat(r.assignedCost()).isLessThanOrEqualTo(r.identityCost() + 1e-9);
        }
    }

    @Test
    void fp16CostsGiveATotalWithinOneHundredthOfAPercentOfExact() {
        SplittableRandom rng = new SplittableRandom(99);
        int n = 256;
        int d = 3072;
        float[] x = SyntheticImages.smoothBatch(n, 3, 32, 32, rng);
        float[] e = Gaussian.fill(new float[n * d], rng);
        float[] c = CostMatrix.l2(x, n, e, n, d);
        int[] exact = NoiseAssignment.solve(c, n, NoiseAssignment.Quantization.EXACT);
        int[] half = NoiseAssignment.solve(c, n, NoiseAssignment.Quantization.FP16);
        assertThat(NoiseAssignment.isPermutation(half)).isTrue();
        double exactCost = total(c, n, exact);
        double halfCost = total(c, n, half);
        assertThat(halfCost).isGreaterThanOrEqualTo(exactCost - 1e-6 * exactCost);
        assertThat((halfCost - exactCost) / exactCost).isLessThan(1e-4);
    }

    @Test
    void perClassAssignmentKeepsNoiseInsideTheClassAndIsOptimalThere() {
        SplittableRandom rng = new SplittableRandom(4);
        int n = 14;
        int d = 6;
        float[] x = uniform(rng, n * d);
        float[] e = Gaussian.fill(new float[n * d], rng);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3 == 0 ? 7 : i % 3 == 1 ? 2 : 5;
        }
        NoiseAssignment.Result r = NoiseAssignment.assignPerClass(x, e, labels, n, d, NoiseAssignment.Quantization.EXACT);
        assertThat(NoiseAssignment.isPermutation(r.noiseFor())).isTrue();
        double expected = 0;
        for (int label : new int[] {7, 2, 5}) {
            int[] rows = java.util.stream.IntStream.range(0, n).filter(i -> labels[i] == label).toArray();
            float[] c = new float[rows.length * rows.length];
            for (int a = 0; a < rows.length; a++) {
                assertThat(labels[r.noiseFor()[rows[a]]]).isEqualTo(label);
                for (int b = 0; b < rows.length; b++) {
                    c[a * rows.length + b] = (float) CostMatrix.distance(x, rows[a], e, rows[b], d);
                }
            }
            expected += LinearAssignmentTest.bruteForce(c, rows.length);
        }
        assertThat(r.assignedCost()).isCloseTo(expected, within(1e-3));
    }

    @Test
    void nearestOfKKeepsTheClosestOfEachImagesOwnCandidates() {
        SplittableRandom rng = new SplittableRandom(12);
        int n = 9;
        int k = 5;
        int d = 40;
        float[] x = uniform(rng, n * d);
        float[] cand = Gaussian.fill(new float[n * k * d], rng);
        int[] pick = NoiseAssignment.nearestOfK(x, cand, n, k, d);
        for (int i = 0; i < n; i++) {
            assertThat(pick[i]).isBetween(i * k, i * k + k - 1);
            double chosen = CostMatrix.distance(x, i, cand, pick[i], d);
            for (int c = 0; c < k; c++) {
                assertThat(chosen).isLessThanOrEqualTo(CostMatrix.distance(x, i, cand, i * k + c, d));
            }
        }
        // k = 1 can only keep the single candidate
        assertThat(NoiseAssignment.nearestOfK(x, java.util.Arrays.copyOf(cand, n * d), n, 1, d))
                .containsExactly(java.util.stream.IntStream.range(0, n).toArray());
    }

    @Test
    void assignmentBringsNoiseCloserOnImageLikeData() {
        SplittableRandom rng = new SplittableRandom(1);
        int n = 128;
        float[] x = SyntheticImages.smoothBatch(n, 3, 32, 32, rng);
        float[] e = Gaussian.fill(new float[x.length], rng);
        NoiseAssignment.Result r = NoiseAssignment.assign(x, e, n, 3072, NoiseAssignment.Quantization.EXACT);
        assertThat(r.reductionPercent()).isNegative();
        float[] permuted = NoiseAssignment.permuteRows(e, r.noiseFor(), 3072);
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += CostMatrix.distance(x, i, permuted, i, 3072);
        }
        assertThat(s).isCloseTo(r.assignedCost(), within(1e-4 * s));
    }

    @Test
    void demoPairsEveryPointAndImmiscibleIsNeverLonger() {
        AssignmentDemo.Mapping m = AssignmentDemo.create(24, 7);
        assertThat(m.points()).hasSize(48);
        assertThat(NoiseAssignment.isPermutation(m.vanilla())).isTrue();
        assertThat(NoiseAssignment.isPermutation(m.immiscible())).isTrue();
        assertThat(m.immiscibleCost()).isLessThan(m.vanillaCost());
    }

    private static float[] uniform(SplittableRandom rng, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return x;
    }

    private static double total(float[] c, int n, int[] p) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += c[i * n + p[i]];
        }
        return s;
    }

    @Test
    void pairedNoiseReordersTheVanillaDrawAndBringsItCloser() {
        int n = 12;
        int d = 48;
        float[] x = Gaussian.fill(new float[n * d], new SplittableRandom(5));
        float[] vanilla = NoiseAssignment.pairedNoise(x, n, d, NoiseAssignment.Mode.NONE, 1, new SplittableRandom(9));
        float[] fresh = Gaussian.fill(new float[n * d], new SplittableRandom(9));
        assertThat(vanilla).containsExactly(fresh);
        float[] exact = NoiseAssignment.pairedNoise(x, n, d, NoiseAssignment.Mode.EXACT, 1, new SplittableRandom(9));
        double before = 0;
        double after = 0;
        for (int i = 0; i < n; i++) {
            before += CostMatrix.distance(x, i, vanilla, i, d);
            after += CostMatrix.distance(x, i, exact, i, d);
            int row = i;
            boolean found = false;
            for (int j = 0; j < n && !found; j++) {
                found = java.util.Arrays.equals(exact, row * d, row * d + d, vanilla, j * d, j * d + d);
            }
            assertThat(found).as("row %d of the assigned noise is a row of the vanilla draw", i).isTrue();
        }
        assertThat(after).isLessThan(before);
        float[] knn = NoiseAssignment.pairedNoise(x, n, d, NoiseAssignment.Mode.KNN, 4, new SplittableRandom(9));
        assertThat(knn).containsExactly(NoiseAssignment.sampleNearestOfK(x, n, d, 4, new SplittableRandom(9)));
    }
}
