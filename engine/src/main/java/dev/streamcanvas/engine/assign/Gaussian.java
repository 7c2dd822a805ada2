package dev.streamcanvas.engine.assign;

import java.util.SplittableRandom;

/** Standard normal draws from a seeded {@link SplittableRandom} (Box–Muller, one value per call). Not thread-safe. */
public final class Gaussian {
    private Gaussian() {
    }

    public static double next(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    public static float[] fill(float[] out, SplittableRandom rng) {
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) next(rng);
        }
        return out;
    }
}
