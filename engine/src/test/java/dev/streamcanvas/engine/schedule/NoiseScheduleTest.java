package dev.streamcanvas.engine.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoiseScheduleTest {

    /** Second formulation: abar_t = exp(sum log(1 - beta_s)), beta_s interpolated from the other end. */
    private static double alphaBarByLogSum(int t) {
        double lo = Math.sqrt(0.00085);
        double hi = Math.sqrt(0.012);
        double sum = 0;
        for (int s = 0; s <= t; s++) {
            double u = (999.0 - s) / 999.0;
            double root = hi - u * (hi - lo);
            sum += Math.log1p(-root * root);
        }
        return Math.exp(sum);
    }

    @Test
    void alphaBarMatchesHandValuesAtSelectedTimesteps() {
        // values from an independent float64 numpy computation: cumprod(1 - linspace(sqrt(b0), sqrt(b1), 1000)**2)
        NoiseSchedule s = NoiseSchedule.STABLE_DIFFUSION;
        assertThat(s.alphaBar(999)).isCloseTo(0.0046600985, within(1e-9));
        assertThat(s.alphaBar(359)).isCloseTo(0.4915003510, within(1e-9));
        assertThat(s.alphaBar(99)).isCloseTo(0.8954627735, within(1e-9));
        assertThat(s.alphaBar(0)).isCloseTo(1 - 0.00085, within(1e-12));
    }

    @Test
    void alphaBarAgreesWithLogSumFormulation() {
        NoiseSchedule s = NoiseSchedule.STABLE_DIFFUSION;
        for (int t : new int[] {999, 359, 99, 19, 500}) {
            assertThat(s.alphaBar(t)).as("t=%d", t).isCloseTo(alphaBarByLogSum(t), within(1e-12));
        }
    }

    @Test
    void lcmTimestepsForFiftyStepsCountDownByTwenty() {
        int[] ts = NoiseSchedule.STABLE_DIFFUSION.lcmTimesteps(50);
        assertThat(ts).hasSize(50);
        assertThat(ts[0]).isEqualTo(999);
        assertThat(ts[1]).isEqualTo(979);
        assertThat(ts[32]).isEqualTo(359);
        assertThat(ts[45]).isEqualTo(99);
        assertThat(ts[49]).isEqualTo(19);
    }

    @Test
    void coefficientsFollowTheBoundaryConditionFormulas() {
        StepCoefficients c999 = NoiseSchedule.STABLE_DIFFUSION.coefficients(999);
        assertThat((double) c999.a()).isCloseTo(Math.sqrt(0.0046600985), within(1e-7));
        assertThat((double) c999.b()).isCloseTo(Math.sqrt(1 - 0.0046600985), within(1e-7));
        // c_skip = 0.25 / (100 * 999^2 + 0.25) = 0.25 / 99800100.25
        assertThat((double) c999.cSkip()).isCloseTo(2.5050075e-9, within(1e-15));
        assertThat((double) c999.cOut()).isCloseTo(1.0, within(1e-7));
        StepCoefficients c19 = NoiseSchedule.STABLE_DIFFUSION.coefficients(19);
        // 0.25 / 36100.25 and 190 / sqrt(36100.25)
        assertThat((double) c19.cSkip()).isCloseTo(6.9251598e-6, within(1e-12));
        assertThat((double) c19.cOut()).isCloseTo(0.99999654, within(1e-7));
    }

    @Test
    void readsSchedulerConfigAndDefaultsMissingKeys(@TempDir Path dir) throws IOException {
        Path cfg = dir.resolve("scheduler_config.json");
        Files.writeString(cfg, "{\"_class_name\":\"LCMScheduler\",\"beta_start\":0.001,\"beta_end\":0.02,"
                + "\"beta_schedule\":\"linear\"}");
        NoiseSchedule s = NoiseSchedule.fromConfig(cfg);
        assertThat(s.trainTimesteps()).isEqualTo(1000);
        assertThat(s.alphaBar(1)).isCloseTo((1 - 0.001) * (1 - (0.001 + 0.019 / 999)), within(1e-15));
    }

    @Test
    void rejectsAnUnknownBetaScheduleNamingTheFile(@TempDir Path dir) throws IOException {
        Path cfg = dir.resolve("scheduler_config.json");
        Files.writeString(cfg, "{\"beta_schedule\":\"squaredcos_cap_v2\"}");
        assertThatThrownBy(() -> NoiseSchedule.fromConfig(cfg)).isInstanceOf(IOException.class)
                .hasMessageContaining("scheduler_config.json").hasMessageContaining("squaredcos_cap_v2");
    }

    @Test
    void addNoiseMixesEachRowWithItsOwnTimestep() {
        NoiseSchedule s = NoiseSchedule.STABLE_DIFFUSION;
        float[] x0 = {1, -2, 0.5f, 3};
        float[] eps = {0.25f, 1, -1, 2};
        float[] xt = s.addNoise(x0, eps, new int[] {0, 999}, 2);
        // by hand: abar_0 = 1 - 0.00085; abar_999 from the closed form is checked above, so use it here
        double a0 = Math.sqrt(1 - 0.00085);
        double b0 = Math.sqrt(0.00085);
        assertThat(xt[0]).isCloseTo((float) (a0 * 1 + b0 * 0.25), within(1e-6f));
        assertThat(xt[1]).isCloseTo((float) (a0 * -2 + b0 * 1), within(1e-6f));
        double ab = s.alphaBar(999);
        assertThat(xt[2]).isCloseTo((float) (Math.sqrt(ab) * 0.5 - Math.sqrt(1 - ab)), within(1e-6f));
        assertThat(xt[3]).isCloseTo((float) (Math.sqrt(ab) * 3 + Math.sqrt(1 - ab) * 2), within(1e-6f));
        assertThatThrownBy(() -> s.addNoise(new float[3], new float[4], new int[] {0, 1}, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x0 3");
    }

    @Test
    void refusesVPredictionModelsNamingTheFileAndTheValue(@TempDir Path dir) throws IOException {
        Path cfg = dir.resolve("scheduler_config.json");
        Files.writeString(cfg, "{\"_class_name\":\"EulerDiscreteScheduler\",\"prediction_type\":\"v_prediction\"}");
        assertThatThrownBy(() -> NoiseSchedule.fromConfig(cfg)).isInstanceOf(IOException.class)
                .hasMessageContaining("scheduler_config.json").hasMessageContaining("v_prediction")
                .hasMessageContaining("expected epsilon");
        Files.writeString(cfg, "{\"prediction_type\":\"epsilon\"}");
        assertThat(NoiseSchedule.fromConfig(cfg).trainTimesteps()).isEqualTo(1000);
    }
}
