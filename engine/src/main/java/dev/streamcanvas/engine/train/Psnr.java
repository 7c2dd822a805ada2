package dev.streamcanvas.engine.train;

import java.util.Arrays;

/**
 * Reconstruction PSNR of images in [-1, 1] (peak-to-peak 2), and the summary the model card reports: the mean and
 * the 10th percentile over a set of images. One definition for the trainer's own VAE and for {@code evaluate}'s
 * exported one, so the two figures can be compared.
 */
public final class Psnr {
    private Psnr() {
    }

    /**
     * PSNR in dB of {@code len} values of {@code rec} from {@code recOffset} against {@code ref} from 0; the
     * reconstruction is clamped to [-1, 1] first, as a decoder's output is before display. A perfect match is
     * capped at 10 log10(4 / 1e-12).
     */
    public static double of(float[] rec, int recOffset, float[] ref, int len) {
        double se = 0;
        for (int k = 0; k < len; k++) {
            double e = Math.max(-1f, Math.min(1f, rec[recOffset + k])) - ref[k];
            se += e * e;
        }
        return 10 * Math.log10(4.0 / Math.max(se / len, 1e-12));
    }

    /** {mean, 10th percentile} of per-image PSNRs (the sorted value at floor(0.1 (n - 1))); NaNs for none. */
    public static double[] meanAndP10(double[] psnr) {
        if (psnr.length == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double[] sorted = psnr.clone();
        Arrays.sort(sorted);
        return new double[] {Arrays.stream(psnr).average().orElse(Double.NaN), sorted[(int) Math.floor(0.1 * (sorted.length - 1))]};
    }
}
