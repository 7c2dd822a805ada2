package dev.streamcanvas.engine.stream;

import java.util.SplittableRandom;

/**
 * StreamDiffusion's stochastic similarity filter: an input whose cosine similarity c to the last processed input
 * is high is skipped with probability {@code max(0, (c - eta) / (1 - eta))}, never more than {@code maxSkips}
 * inputs in a row. The coin is a seeded RNG, so a run is reproducible. Not thread-safe.
 */
public final class SimilarityFilter {
    private final FilterSettings settings;
    private final SplittableRandom random;
    private float[] last; // the last processed input, same layout as the inputs
    private int lastLength;
    private int consecutiveSkips;

    public SimilarityFilter(FilterSettings settings, long seed) {
        this.settings = settings;
        this.random = new SplittableRandom(seed);
    }

    /**
     * Decides whether to skip {@code x[0, len)}. A processed input becomes the new reference; a skipped one does not.
     */
    public boolean shouldSkip(float[] x, int len) {
        if (!settings.enabled()) {
            return false;
        }
        if (last == null || lastLength != len) {
            remember(x, len);
            return false;
        }
        double c = cosine(last, x, len);
        double eta = settings.threshold();
        double p = eta >= 1 ? 0 : Math.max(0, (c - eta) / (1 - eta));
        double coin = random.nextDouble();
        if (coin < p && consecutiveSkips < settings.maxSkips()) {
            consecutiveSkips++;
            return true;
        }
        consecutiveSkips = 0;
        remember(x, len);
        return false;
    }

    private void remember(float[] x, int len) {
        if (last == null || last.length < len) {
            last = new float[len];
        }
        System.arraycopy(x, 0, last, 0, len);
        lastLength = len;
    }

    public void reset() {
        last = null;
        consecutiveSkips = 0;
    }

    /** Cosine similarity of {@code a[0, len)} and {@code b[0, len)}; 1 for two zero vectors. */
    public static double cosine(float[] a, float[] b, int len) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < len; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        if (na == 0 && nb == 0) {
            return 1;
        }
        if (na == 0 || nb == 0) {
            return 0;
        }
        return dot / Math.sqrt(na * nb);
    }
}
