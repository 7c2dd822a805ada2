package dev.streamcanvas.engine.calib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DistanceTransformTest {
    @Test
    void singlePixelGivesEuclideanDistancesByHand() {
        byte[] ids = new byte[7 * 5];
        ids[2 * 7 + 3] = 1; // pixel (3, 2)
        float[] out = new float[ids.length];
        new DistanceTransform(7, 5).ofClass(new ClassMask(7, 5, ids), 1, out);
        assertThat(out[2 * 7 + 3]).isZero();
        assertThat(out[2 * 7 + 6]).isCloseTo(3f, within(1e-6f));            // (6,2): 3 to the right
        assertThat(out[0]).isCloseTo((float) Math.sqrt(9 + 4), within(1e-6f)); // (0,0): dx 3, dy 2
        assertThat(out[4 * 7 + 5]).isCloseTo((float) Math.sqrt(4 + 4), within(1e-6f)); // (5,4)
    }

    @Test
    void matchesBruteForceOnRandomMasks() {
        SplittableRandom rnd = new SplittableRandom(5);
        int w = 37;
        int h = 23;
        DistanceTransform dt = new DistanceTransform(w, h);
        for (int trial = 0; trial < 20; trial++) {
            byte[] ids = new byte[w * h];
            double density = rnd.nextDouble(0.002, 0.3);
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (byte) (rnd.nextDouble() < density ? 4 : rnd.nextInt(3));
            }
            ClassMask m = new ClassMask(w, h, ids);
            float[] out = new float[w * h];
            dt.ofClass(m, 4, out);
            float[] inner = new float[w * h];
            dt.ofOtherClasses(m, 4, inner);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double best = Double.POSITIVE_INFINITY;
                    double bestOther = Double.POSITIVE_INFINITY;
                    for (int yy = 0; yy < h; yy++) {
                        for (int xx = 0; xx < w; xx++) {
                            double d = Math.hypot(x - xx, y - yy);
                            if (ids[yy * w + xx] == 4) {
                                best = Math.min(best, d);
                            } else {
                                bestOther = Math.min(bestOther, d);
                            }
                        }
                    }
                    assertThat((double) out[y * w + x]).as("pixel %d,%d trial %d", x, y, trial)
                            .isCloseTo(best, within(1e-4));
                    if (Double.isFinite(bestOther)) {
                        assertThat((double) inner[y * w + x]).isCloseTo(bestOther, within(1e-4));
                    }
                }
            }
        }
    }

    @Test
    void absentClassIsInfinitelyFar() {
        float[] out = new float[12];
        new DistanceTransform(4, 3).ofClass(new ClassMask(4, 3, new byte[12]), 9, out);
        for (float v : out) {
            assertThat(v).isInfinite();
        }
    }
}
