package dev.streamcanvas.engine.train;

import java.util.SplittableRandom;

/**
 * Image-like synthetic data in [-1, 1] for benchmarks and tests: each image is a per-channel base colour plus a
 * few random low-frequency 2-D cosine waves and a linear gradient, squashed by tanh. Unlike i.i.d. uniform
 * pixels these have the strong spatial correlation (and hence the low effective dimension) of real images,
 * which is what decides how much the assignment can shorten image–noise distances.
 */
public final class SyntheticImages {
    private SyntheticImages() {
    }

    /** n images of shape [c, h, w], returned as [n, c*h*w] row-major. */
    public static float[] smoothBatch(int n, int c, int h, int w, SplittableRandom rng) {
        int d = c * h * w;
        float[] out = new float[n * d];
        int waves = 4;
        for (int i = 0; i < n; i++) {
            double gx = rng.nextDouble() * 2 - 1;
            double gy = rng.nextDouble() * 2 - 1;
            double[] fx = new double[waves];
            double[] fy = new double[waves];
            double[] ph = new double[waves];
            for (int k = 0; k < waves; k++) {
                fx[k] = rng.nextDouble() * 3;
                fy[k] = rng.nextDouble() * 3;
                ph[k] = rng.nextDouble() * 2 * Math.PI;
            }
            for (int ch = 0; ch < c; ch++) {
                double base = rng.nextDouble() * 2 - 1;
                double[] amp = new double[waves];
                for (int k = 0; k < waves; k++) {
                    amp[k] = (rng.nextDouble() * 2 - 1) * 0.5;
                }
                for (int y = 0; y < h; y++) {
                    double v = (double) y / h;
                    for (int x = 0; x < w; x++) {
                        double u = (double) x / w;
                        double s = base + 0.5 * (gx * (u - 0.5) + gy * (v - 0.5));
                        for (int k = 0; k < waves; k++) {
                            s += amp[k] * Math.cos(2 * Math.PI * (fx[k] * u + fy[k] * v) + ph[k]);
                        }
                        out[i * d + (ch * h + y) * w + x] = (float) Math.tanh(1.5 * s);
                    }
                }
            }
        }
        return out;
    }

    /** n images of i.i.d. uniform pixels in [-1, 1], as [n, d]. */
    public static float[] uniformBatch(int n, int d, SplittableRandom rng) {
        float[] out = new float[n * d];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return out;
    }
}
