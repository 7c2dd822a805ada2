package dev.streamcanvas.engine.assign;

import java.util.SplittableRandom;

/**
 * A small 2-D picture of what the assignment does, for the Train tab: points drawn from a few clusters
 * ("images"), the same number of standard normal noises, the vanilla pairing (noise i with point i, i.e.
 * random) and the immiscible pairing (the optimal assignment).
 */
public final class AssignmentDemo {
    private AssignmentDemo() {
    }

    /**
     * points and noises are [n, 2] row-major (x, y); vanilla[i] and immiscible[i] are the noise index paired with
     * point i; the costs are the summed plain L2 distances of each pairing.
     */
    public record Mapping(float[] points, float[] noises, int[] vanilla, int[] immiscible, double vanillaCost,
            double immiscibleCost) {
    }

    /** Builds the demo for n points from a fixed seed (the same seed gives the same picture). */
    public static Mapping create(int n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, got " + n);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] centres = {{-1.6f, 1.2f}, {1.5f, 1.4f}, {0.2f, -1.7f}};
        float[] points = new float[2 * n];
        for (int i = 0; i < n; i++) {
            float[] c = centres[i % centres.length];
            points[2 * i] = c[0] + 0.3f * (float) Gaussian.next(rng);
            points[2 * i + 1] = c[1] + 0.3f * (float) Gaussian.next(rng);
        }
        float[] noises = Gaussian.fill(new float[2 * n], rng);
        int[] vanilla = new int[n];
        for (int i = 0; i < n; i++) {
            vanilla[i] = i;
        }
        NoiseAssignment.Result r = NoiseAssignment.assign(points, noises, n, 2, NoiseAssignment.Quantization.EXACT);
        return new Mapping(points, noises, vanilla, r.noiseFor(), r.identityCost(), r.assignedCost());
    }
}
