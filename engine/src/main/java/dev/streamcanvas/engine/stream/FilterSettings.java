package dev.streamcanvas.engine.stream;

/**
 * The stochastic similarity filter: skip an input whose cosine similarity c to the last processed input is high,
 * with probability {@code max(0, (c - threshold) / (1 - threshold))}, never more than {@code maxSkips} in a row.
 */
public record FilterSettings(boolean enabled, double threshold, int maxSkips) {
    public static final FilterSettings OFF = new FilterSettings(false, 0.98, 10);

    public FilterSettings {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("similarity threshold must be in [0, 1], got " + threshold);
        }
        if (maxSkips < 0) {
            throw new IllegalArgumentException("max consecutive skips must be >= 0, got " + maxSkips);
        }
    }

    public static FilterSettings on(double threshold, int maxSkips) {
        return new FilterSettings(true, threshold, maxSkips);
    }
}
