package dev.streamcanvas.app.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.app.frame.Frame;
import dev.streamcanvas.engine.stream.GuidanceMode;
import org.junit.jupiter.api.Test;

class PreviewGenerationServiceTest {
    private static Frame pattern(int w, int h, int seed) {
        Frame f = new Frame(w, h);
        for (int i = 0; i < w * h; i++) {
            f.argb()[i] = 0xFF000000 | ((i * 37 + seed * 101) & 0xFFFFFF);
        }
        return f;
    }

    @Test
    void filterIsDeterministicAndFollowsTheInput() {
        GenerationSettings s = GenerationSettings.defaults();
        Frame a = pattern(32, 32, 1);
        Frame b = pattern(32, 32, 2);
        Frame outA1 = new Frame(1, 1);
        Frame outA2 = new Frame(1, 1);
        Frame outB = new Frame(1, 1);
        int[] luma = new int[32 * 32];

        PreviewGenerationService.restyle(a, outA1, s, luma);
        PreviewGenerationService.restyle(a, outA2, s, luma);
        PreviewGenerationService.restyle(b, outB, s, luma);

        assertThat(outA1.argb()).isEqualTo(outA2.argb());
        assertThat(outB.argb()).isNotEqualTo(outA1.argb());
    }

    @Test
    void zeroStrengthOnAFlatPictureReturnsItUnchanged() {
        GenerationSettings s = new GenerationSettings("p", "", 0.0, 2, GuidanceMode.SELF, 1, 1, 1, false, 0.98, 64, 64);
        Frame flat = new Frame(8, 8);
        java.util.Arrays.fill(flat.argb(), 0xFF336699);
        Frame out = new Frame(1, 1);

        PreviewGenerationService.restyle(flat, out, s, new int[64]);

        assertThat(java.util.Arrays.copyOf(out.argb(), 64)).containsOnly(0xFF336699);
    }

    @Test
    void cosineOfAPictureWithItselfIsOneAndWithItsNegativeMinusOne() {
        int[] a = {0xFF000000, 0xFFFFFFFF, 0xFF00FF00};
        int[] neg = {0xFFFFFFFF, 0xFF000000, 0xFFFF00FF};
        assertThat(PreviewGenerationService.cosine(a, a, 3)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(PreviewGenerationService.cosine(a, neg, 3)).isCloseTo(-1.0, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void serviceTurnsSubmittedFramesIntoOutputs() throws Exception {
        PreviewGenerationService service = new PreviewGenerationService();
        java.util.concurrent.CountDownLatch got = new java.util.concurrent.CountDownLatch(1);
        long[] capture = new long[1];
        service.setOutputListener(f -> {
            capture[0] = f.captureNanos();
            got.countDown();
        });
        service.start();
        try {
            Frame in = pattern(16, 16, 3);
            service.submit(in.argb(), 16, 16, 12345L);
            assertThat(got.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(capture[0]).isEqualTo(12345L);
            assertThat(service.model().preview()).isTrue();
            assertThat(service.loadModel(java.nio.file.Path.of("/m"), DeviceChoice.CPU)).isCompletedExceptionally();
        } finally {
            service.close();
        }
    }
}
