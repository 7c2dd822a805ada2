package dev.streamcanvas.engine.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StepMathTest {
    private static final StepCoefficients HAND = new StepCoefficients(0, 0.8f, 0.6f, 0.25f, 0.5f);

    @Test
    void addNoiseMixesSignalAndNoise() {
        float[] out = new float[2];
        StepMath.addNoise(new float[] {2f, 0f}, 0, new float[] {-1f, 1f}, 0, 0.8f, 0.6f, out, 0, 2);
        assertThat(out[0]).isCloseTo(1.0f, within(1e-6f)); // 1.6 - 0.6
        assertThat(out[1]).isCloseTo(0.6f, within(1e-6f));
    }

    @Test
    void x0StepCombinesPredictionAndSkip() {
        // F = (1 + 0.6) / 0.8 = 2; out = 0.5 * 2 + 0.25 * 1 = 1.25
        float[] out = new float[1];
        StepMath.x0(new float[] {1f}, 0, new float[] {-1f}, 0, HAND, out, 0, 1);
        assertThat(out[0]).isCloseTo(1.25f, within(1e-6f));
    }

    @Test
    void directFormReturnsTheNoiseFreeEstimate() {
        float[] out = new float[1];
        StepMath.x0(new float[] {1f}, 0, new float[] {-1f}, 0, HAND.direct(), out, 0, 1);
        assertThat(out[0]).isCloseTo(2.0f, within(1e-6f));
    }

    @Test
    void x0StepInvertsAddNoiseWhenTheNoiseIsKnownAtALateTimestep() {
        StepCoefficients c = NoiseSchedule.STABLE_DIFFUSION.coefficients(999);
        float[] xt = new float[1];
        StepMath.addNoise(new float[] {0.7f}, 0, new float[] {0.3f}, 0, c.a(), c.b(), xt, 0, 1);
        float[] x0 = new float[1];
        StepMath.x0(xt, 0, new float[] {0.3f}, 0, c, x0, 0, 1);
        assertThat(x0[0]).isCloseTo(0.7f, within(1e-4f));
    }

    @Test
    void guidanceExtrapolatesFromUnconditional() {
        float[] out = new float[1];
        StepMath.guide(new float[] {1f}, 0, new float[] {3f}, 0, 1.5f, out, 0, 1);
        assertThat(out[0]).isCloseTo(4f, within(1e-6f)); // 1 + 1.5 * 2
    }

    @Test
    void worksOnAnOffsetRange() {
        float[] x0 = {9f, 9f, 2f};
        float[] eps = {9f, -1f, 9f};
        float[] out = {5f, 5f, 5f, 5f};
        StepMath.addNoise(x0, 2, eps, 1, 0.8f, 0.6f, out, 3, 1);
        assertThat(out).containsExactly(5f, 5f, 5f, 1.0f);
    }
}
