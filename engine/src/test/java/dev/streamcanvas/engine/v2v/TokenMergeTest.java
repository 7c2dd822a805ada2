package dev.streamcanvas.engine.v2v;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenMergeTest {
    private static final int N = 37;
    private static final int[] WIDTHS = {8, 5, 6}; // K, V, O

    @Test
    void mergingTwoTimesNTokensGivesNTokensThatMatchADirectImplementation() {
        SplittableRandom r = new SplittableRandom(1);
        float[][] x = random(r);
        float[][] out = {new float[N * WIDTHS[0]], new float[N * WIDTHS[1]], new float[N * WIDTHS[2]]};
        TokenMerge merge = new TokenMerge(42);
        merge.merge(N, 0.5f, x, WIDTHS, out);
        int[] order = merge.lastOrder();

        // the split: N destinations and N sources, together every token once
        assertThat(order).hasSize(2 * N);
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 2 * N; i++) {
            assertThat(sorted[i]).isEqualTo(i);
        }
        long destFromNew = Arrays.stream(order, 0, N).filter(i -> i >= N).count();
        assertThat(destFromNew).isEqualTo(Math.round(0.5f * N));

        // a direct implementation (double precision, cosine written out) given the same split
        int[] expectedAssign = new int[N];
        for (int s = 0; s < N; s++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int d = 0; d < N; d++) {
                double c = cosine(x[0], order[N + s], order[d], WIDTHS[0]);
                if (c > best) {
                    best = c;
                    expectedAssign[s] = d;
                }
            }
        }
        assertThat(merge.lastAssignment()).containsExactly(expectedAssign);
        for (int f = 0; f < 3; f++) {
            int w = WIDTHS[f];
            for (int d = 0; d < N; d++) {
                for (int c = 0; c < w; c++) {
                    double sum = x[f][order[d] * w + c];
                    int members = 1;
                    for (int s = 0; s < N; s++) {
                        if (expectedAssign[s] == d) { // one assignment (from the keys) for K, V and O
                            sum += x[f][order[N + s] * w + c];
                            members++;
                        }
                    }
                    assertThat((double) out[f][d * w + c]).isCloseTo(sum / members, org.assertj.core.data.Offset.offset(1e-5));
                }
            }
        }
    }

    @Test
    void mergingConservesMass() {
        SplittableRandom r = new SplittableRandom(2);
        float[][] x = random(r);
        float[][] out = {new float[N * WIDTHS[0]], new float[N * WIDTHS[1]], new float[N * WIDTHS[2]]};
        TokenMerge merge = new TokenMerge(7);
        merge.merge(N, 0.3f, x, WIDTHS, out);
        int[] counts = new int[N];
        for (int d : merge.lastAssignment()) {
            counts[d]++;
        }
        for (int f = 0; f < 3; f++) {
            int w = WIDTHS[f];
            for (int c = 0; c < w; c++) {
                double in = 0;
                for (int t = 0; t < 2 * N; t++) {
                    in += x[f][t * w + c];
                }
                double kept = 0;
                for (int d = 0; d < N; d++) {
                    kept += (1 + counts[d]) * (double) out[f][d * w + c];
                }
                assertThat(kept).as("feature %d channel %d", f, c).isCloseTo(in, org.assertj.core.data.Offset.offset(1e-4));
            }
        }
    }

    @Test
    void theSplitIsReproducibleFromTheSeedAndTheRatioChoosesTheNewFramesShare() {
        SplittableRandom r = new SplittableRandom(3);
        float[][] x = random(r);
        float[][] out = {new float[N * WIDTHS[0]], new float[N * WIDTHS[1]], new float[N * WIDTHS[2]]};
        TokenMerge a = new TokenMerge(5);
        TokenMerge b = new TokenMerge(5);
        a.merge(N, 1f, x, WIDTHS, out);
        b.merge(N, 1f, x, WIDTHS, out);
        assertThat(a.lastOrder()).containsExactly(b.lastOrder());
        // ratio 1: every destination comes from the new frame
        assertThat(Arrays.stream(a.lastOrder(), 0, N).allMatch(i -> i >= N)).isTrue();
        a.reseed(6);
        a.merge(N, 0f, x, WIDTHS, out);
        assertThat(Arrays.stream(a.lastOrder(), 0, N).allMatch(i -> i < N)).isTrue();
    }

    @Test
    void badArgumentsAreRefusedNamingTheValue() {
        TokenMerge m = new TokenMerge(1);
        float[][] x = {new float[8]};
        assertThatThrownBy(() -> m.merge(0, 0.5f, x, new int[] {4}, x)).hasMessageContaining("at least one token");
        assertThatThrownBy(() -> m.merge(1, 1.5f, x, new int[] {4}, x)).hasMessageContaining("merge ratio");
    }

    private static double cosine(float[] keys, int a, int b, int w) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int c = 0; c < w; c++) {
            double u = keys[a * w + c];
            double v = keys[b * w + c];
            dot += u * v;
            na += u * u;
            nb += v * v;
        }
        return dot / (Math.sqrt(na) * Math.sqrt(nb));
    }

    private static float[][] random(SplittableRandom r) {
        float[][] x = new float[3][];
        for (int f = 0; f < 3; f++) {
            x[f] = new float[2 * N * WIDTHS[f]];
            for (int i = 0; i < x[f].length; i++) {
                x[f][i] = (float) (r.nextDouble() * 2 - 1);
            }
        }
        return x;
    }
}
