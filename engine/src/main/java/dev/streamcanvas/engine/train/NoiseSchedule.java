package dev.streamcanvas.engine.train;

/** Stable Diffusion's scaled-linear schedule: betas linear in sqrt from 0.00085 to 0.012 over 1000 steps. */
public final class NoiseSchedule {
    public static final int STEPS = 1000;
    public static final double BETA_START = 0.00085;
    public static final double BETA_END = 0.012;
    private final double[] alphaBar = new double[STEPS];

    public NoiseSchedule() {
        double prod = 1;
        double s0 = Math.sqrt(BETA_START);
        double s1 = Math.sqrt(BETA_END);
        for (int t = 0; t < STEPS; t++) {
            double s = s0 + (s1 - s0) * t / (STEPS - 1);
            prod *= 1 - s * s;
            alphaBar[t] = prod;
        }
    }

    /** abar_t, the running product of (1 - beta). */
    public double alphaBar(int t) {
        return alphaBar[t];
    }

    /** x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps, per sample (each row of d values has its own t). */
    public float[] addNoise(float[] x0, float[] eps, int[] t, int d) {
        float[] out = new float[x0.length];
        for (int i = 0; i < t.length; i++) {
            float a = (float) Math.sqrt(alphaBar[t[i]]);
            float b = (float) Math.sqrt(1 - alphaBar[t[i]]);
            for (int k = 0; k < d; k++) {
                out[i * d + k] = a * x0[i * d + k] + b * eps[i * d + k];
            }
        }
        return out;
    }
}
