package dev.streamcanvas.engine.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FrameExchangeTest {
    @Test
    void latestFrameWinsAndCountsDrops() {
        LatestFrame slot = new LatestFrame();
        slot.publish(new int[] {1}, 1, 1, 0, false);
        slot.publish(new int[] {2}, 1, 1, 1, false);
        slot.publish(new int[] {3}, 1, 1, 2, false);
        FrameBuffer f = slot.take();
        assertThat(f.pixels()[0]).isEqualTo(3);
        assertThat(f.sequence()).isEqualTo(2);
        assertThat(slot.dropped()).isEqualTo(2);
        assertThat(slot.take()).isNull();
    }

    @Test
    void aTakenFrameStaysIntactWhileTheProducerGoesOn() {
        LatestFrame slot = new LatestFrame();
        slot.publish(new int[] {1, 1, 1, 1}, 2, 2, 0, false);
        FrameBuffer held = slot.take();
        for (int i = 2; i < 10; i++) {
            slot.publish(new int[] {i, i, i, i}, 2, 2, i, false);
        }
        assertThat(held.pixels()).containsOnly(1);
        assertThat(slot.take().pixels()).containsOnly(9);
    }

    @Test
    void aFrameKeepsTheTimeStampItWasPublishedWith() {
        LatestFrame slot = new LatestFrame();
        slot.publish(new int[] {7}, 1, 1, 3, 12_345L, false);
        FrameBuffer f = slot.take();
        assertThat(f.timestampNanos()).isEqualTo(12_345L);
        assertThat(f.sequence()).isEqualTo(3);
    }

    @Test
    void sameSizeFramesReuseTheirBuffers() {
        LatestFrame slot = new LatestFrame();
        java.util.Set<int[]> arrays = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int i = 0; i < 20; i++) {
            slot.publish(new int[4], 2, 2, i, false);
            arrays.add(slot.take().pixels());
        }
        assertThat(arrays).hasSizeLessThanOrEqualTo(3);
    }

    @Test
    void argbRoundTripsThroughTheTensorExactly() {
        int[] px = {0xff000000, 0xffffffff, 0xff102030, 0xff7f80ff};
        float[] t = new float[12];
        ImageTensors.toTensor(px, 2, 2, 2, 2, t, 0);
        assertThat(t[0]).isEqualTo(-1f);
        assertThat(t[1]).isEqualTo(1f);
        assertThat(t[4 + 2]).isCloseTo(0x20 * 2f / 255f - 1f, within(1e-6f)); // green plane, pixel 2
        int[] back = new int[4];
        ImageTensors.toArgb(t, 0, 2, 2, back);
        assertThat(back).containsExactly(px);
    }

    @Test
    void resizeCropsTheCentreToTheTargetAspect() {
        // 4x2 source: columns 0 and 3 black, columns 1 and 2 white; a 2x2 target keeps the centre square (white)
        int[] px = new int[8];
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 4; x++) {
                px[y * 4 + x] = x == 0 || x == 3 ? 0xff000000 : 0xffffffff;
            }
        }
        float[] t = new float[12];
        ImageTensors.toTensor(px, 4, 2, 2, 2, t, 0);
        for (float v : t) {
            assertThat(v).isEqualTo(1f);
        }
    }

    /**
     * Downscaling filters over the whole footprint (a triangle of one output pixel's width, as PIL's antialiased
     * BILINEAR resize the diffusers image processor relies on) instead of sampling two source pixels: thin lines
     * neither vanish nor flicker. 12 -> 3 columns, white on every 4th column: the centre output pixel sees weights
     * 1/8, 3/8, 5/8, 7/8, 7/8, 5/8, 3/8, 1/8 (sum 4) on columns 2..9, white at 4 (5/8) and 8 (3/8): brightness 1/4.
     */
    @Test
    void downscalingAveragesTheFootprintInsteadOfSkippingPixels() {
        int[] px = new int[12 * 12];
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 12; x++) {
                px[y * 12 + x] = x % 4 == 0 ? 0xffffffff : 0xff000000;
            }
        }
        float[] t = new float[3 * 3 * 3];
        ImageTensors.toTensor(px, 12, 12, 3, 3, t, 0);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 3; y++) {
                assertThat(t[c * 9 + y * 3 + 1]).as("channel %d row %d", c, y).isCloseTo(2 * 0.25f - 1, within(1e-6f));
            }
        }
    }

    /**
     * The separable, reused reduction equals the direct 2-D sum of triangle weights over the centre crop (37x23 ->
     * 10x10: crop 23x23, scale 2.3), for a fresh and a reused resizer.
     */
    @Test
    void reductionMatchesTheDirectTwoDimensionalFilterSum() {
        int sw = 37;
        int sh = 23;
        int[] px = new int[sw * sh];
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < px.length; i++) {
            px[i] = 0xff000000 | r.nextInt(0x1000000);
        }
        float[] first = new float[3 * 100];
        Resizer rs = ImageTensors.toTensor(px, sw, sh, 10, 10, first, 0, null);
        float[] again = new float[3 * 100];
        assertThat(ImageTensors.toTensor(px, sw, sh, 10, 10, again, 0, rs)).isSameAs(rs);
        assertThat(again).containsExactly(first);
        double s = 23.0 / 10;
        double x0 = (37 - 23) / 2.0;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 10; y++) {
                for (int x = 0; x < 10; x++) {
                    double cx = x0 + (x + 0.5) * s;
                    double cy = (y + 0.5) * s;
                    double acc = 0;
                    double wsum = 0;
                    for (int iy = 0; iy < sh; iy++) {
                        for (int ix = 0; ix < sw; ix++) {
                            double w = Math.max(0, 1 - Math.abs(iy + 0.5 - cy) / s)
                                    * Math.max(0, 1 - Math.abs(ix + 0.5 - cx) / s);
                            acc += w * ((px[iy * sw + ix] >> (16 - 8 * c)) & 0xff);
                            wsum += w;
                        }
                    }
                    assertThat((double) first[c * 100 + y * 10 + x]).as("c %d y %d x %d", c, y, x)
                            .isCloseTo(acc / wsum * 2 / 255 - 1, within(1e-5));
                }
            }
        }
    }

    @Test
    void cosineSimilarityAndSkipProbability() {
        assertThat(SimilarityFilter.cosine(new float[] {1, 0}, new float[] {1, 1}, 2))
                .isCloseTo(Math.sqrt(0.5), within(1e-12));
        // c = 0.99 with threshold 0.98: p = (0.99 - 0.98) / 0.02 = 0.5
        SimilarityFilter f = new SimilarityFilter(FilterSettings.on(0.98, 1_000_000), 42);
        float[] a = {1, 0};
        double angle = Math.acos(0.99);
        float[] b = {(float) Math.cos(angle), (float) Math.sin(angle)};
        f.shouldSkip(a, 2);
        float[] reference = a;
        int skips = 0;
        for (int i = 0; i < 4000; i++) {
            // always offer the vector at similarity 0.99 to the filter's current reference
            float[] x = reference == a ? b : a;
            if (f.shouldSkip(x, 2)) {
                skips++;
            } else {
                reference = x;
            }
        }
        assertThat(skips / 4000.0).isBetween(0.45, 0.55);
    }

    @Test
    void dissimilarInputIsNeverSkipped() {
        SimilarityFilter f = new SimilarityFilter(FilterSettings.on(0.5, 10), 1);
        f.shouldSkip(new float[] {1, 0}, 2);
        for (int i = 0; i < 100; i++) {
            assertThat(f.shouldSkip(i % 2 == 0 ? new float[] {0, 1} : new float[] {1, 0}, 2)).isFalse();
        }
    }
}
