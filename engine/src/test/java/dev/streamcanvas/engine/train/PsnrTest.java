package dev.streamcanvas.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PsnrTest {
    @Test
    void clampsTheReconstructionAndUsesPeakToPeakTwo() {
        // from offset 1: (0.5 - 0)^2 + (-0.5 - 0)^2 + (min(2, 1) - 1)^2 = 0.5, MSE 1/6, PSNR 10 log10(4 * 6)
        float[] rec = {9f, 0.5f, -0.5f, 2f};
        float[] ref = {0f, 0f, 1f};
        assertThat(Psnr.of(rec, 1, ref, 3)).isCloseTo(13.802112, within(1e-6));
    }

    @Test
    void aPerfectReconstructionIsCappedNotInfinite() {
        float[] x = {0.25f, -1f};
        assertThat(Psnr.of(x, 0, x, 2)).isCloseTo(10 * Math.log10(4e12), within(1e-9));
    }

    @Test
    void summaryIsTheMeanAndTheSortedValueAtTheFirstDecile() {
        double[] psnr = {30, 10, 20, 40, 50, 60, 70, 80, 90, 100, 110};
        // n = 11: index floor(0.1 * 10) = 1 of the sorted values is 20; the mean is 660 / 11 = 60
        assertThat(Psnr.meanAndP10(psnr)).containsExactly(60.0, 20.0);
        assertThat(Psnr.meanAndP10(new double[] {7})).containsExactly(7.0, 7.0);
        assertThat(Psnr.meanAndP10(new double[0])).containsExactly(Double.NaN, Double.NaN);
    }
}
