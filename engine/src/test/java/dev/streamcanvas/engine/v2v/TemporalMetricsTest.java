package dev.streamcanvas.engine.v2v;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TemporalMetricsTest {
    private static final int W = 48;
    private static final int H = 40;

    /** A smooth texture shifted by (dx, dy): pixel (x, y) shows the scene at (x + dx, y + dy). */
    private static int[] scene(double dx, double dy) {
        int[] px = new int[W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                double sx = x + dx;
                double sy = y + dy;
                double v = 0.5 + 0.25 * Math.sin(sx * 0.31) * Math.cos(sy * 0.23) + 0.2 * Math.sin((sx + 2 * sy) * 0.11);
                int g = (int) Math.round(255 * Math.max(0, Math.min(1, v)));
                int r = (int) Math.round(255 * Math.max(0, Math.min(1, 0.5 + 0.4 * Math.cos(sx * 0.17 - sy * 0.07))));
                px[y * W + x] = 0xff000000 | (r << 16) | (g << 8) | (255 - g);
            }
        }
        return px;
    }

    @Test
    void hornSchunckRecoversAKnownTranslation() {
        // frame 2 is the scene moved by (+1.5, -1): I1(x) = I2(x + f) with f = (-1.5, +1)
        float[] a = TemporalMetrics.gray(scene(0, 0));
        float[] b = TemporalMetrics.gray(scene(-1.5, 1.0));
        float[] f = OpticalFlow.DEFAULT.flow(a, b, W, H);
        double su = 0;
        double sv = 0;
        int n = 0;
        for (int y = 8; y < H - 8; y++) {
            for (int x = 8; x < W - 8; x++) {
                su += f[y * W + x];
                sv += f[W * H + y * W + x];
                n++;
            }
        }
        assertThat(su / n).isCloseTo(1.5, org.assertj.core.data.Offset.offset(0.2));
        assertThat(sv / n).isCloseTo(-1.0, org.assertj.core.data.Offset.offset(0.2));
    }

    @Test
    void outputsThatFollowTheInputMotionHaveALowerWarpErrorThanOnesThatFlicker() {
        List<int[]> inputs = List.of(scene(0, 0), scene(1, 0.5), scene(2, 1));
        // outputs that move with the scene (consistent) vs outputs that flicker (a brightness jump per frame)
        List<int[]> consistent = inputs;
        List<int[]> flicker = List.of(scene(0, 0), brighten(scene(1, 0.5), 40), scene(2, 1));
        double good = TemporalMetrics.warpError(inputs, consistent, W, H, OpticalFlow.DEFAULT).error();
        double bad = TemporalMetrics.warpError(inputs, flicker, W, H, OpticalFlow.DEFAULT).error();
        assertThat(good).isLessThan(0.02);
        // the flicker adds 40/255 on every kept pixel of both pairs (clipped at 255 in a few)
        assertThat(bad).isGreaterThan(good + 0.1);
    }

    @Test
    void consecutiveCosineIsOneForEqualFeaturesAndLowerForChangingOnes() {
        float[] a = {1, 2, 3};
        float[] b = {3, -1, 0.5f};
        assertThat(TemporalMetrics.consecutiveCosine(List.of(a, a, a))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        double expected = (1 * 3 - 2 + 1.5) / (Math.sqrt(14) * Math.sqrt(10.25));
        assertThat(TemporalMetrics.consecutiveCosine(List.of(a, b))).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
    }

    private static int[] brighten(int[] px, int by) {
        int[] out = px.clone();
        for (int i = 0; i < out.length; i++) {
            int p = out[i];
            int r = Math.min(255, ((p >> 16) & 0xff) + by);
            int g = Math.min(255, ((p >> 8) & 0xff) + by);
            int b = Math.min(255, (p & 0xff) + by);
            out[i] = 0xff000000 | (r << 16) | (g << 8) | b;
        }
        return out;
    }
}
