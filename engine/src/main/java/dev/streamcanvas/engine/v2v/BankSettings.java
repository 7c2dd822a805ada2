package dev.streamcanvas.engine.v2v;

/**
 * The StreamV2V feature-bank settings ("temporal consistency"). Immutable; the compact constructor rejects a bad
 * value with a message naming it.
 *
 * @param enabled         whether self-attention attends to the bank (on for webcam and video, off for the canvas)
 * @param interval        the bank is updated after every {@code interval}-th UNet call (1 = every call)
 * @param fusionStrength  s in [0, 1]: out = (1 - s) o + s sel on the fusion layers (0 = no fusion)
 * @param fusionThreshold tau in [0, 1]: a token takes its best bank match only when the cosine is at least tau
 * @param mergeRatio      share of the merged bank's tokens drawn (as destinations) from the new frame, in [0, 1]
 */
public record BankSettings(boolean enabled, int interval, float fusionStrength, float fusionThreshold,
        float mergeRatio) {
    public static final int DEFAULT_INTERVAL = 4;
    public static final float DEFAULT_STRENGTH = 0.8f;
    public static final float DEFAULT_THRESHOLD = 0.98f;
    public static final float DEFAULT_MERGE_RATIO = 0.5f;
    /** The bank off, with the default parameters ready for when it is turned on. */
    public static final BankSettings OFF = new BankSettings(false, DEFAULT_INTERVAL, DEFAULT_STRENGTH,
            DEFAULT_THRESHOLD, DEFAULT_MERGE_RATIO);
    /** The bank on with the defaults (interval 4, s = 0.8, tau = 0.98, ratio 0.5). */
    public static final BankSettings ON = OFF.withEnabled(true);

    public BankSettings {
        if (interval < 1 || interval > 1000) {
            throw new IllegalArgumentException("bank interval must be in [1, 1000] UNet calls, got " + interval);
        }
        if (!(fusionStrength >= 0 && fusionStrength <= 1)) {
            throw new IllegalArgumentException("fusion strength must be in [0, 1], got " + fusionStrength);
        }
        if (!(fusionThreshold >= 0 && fusionThreshold <= 1)) {
            throw new IllegalArgumentException("fusion threshold must be in [0, 1], got " + fusionThreshold);
        }
        if (!(mergeRatio >= 0 && mergeRatio <= 1)) {
            throw new IllegalArgumentException("merge ratio must be in [0, 1], got " + mergeRatio);
        }
    }

    public BankSettings withEnabled(boolean v) {
        return new BankSettings(v, interval, fusionStrength, fusionThreshold, mergeRatio);
    }

    public BankSettings withInterval(int v) {
        return new BankSettings(enabled, v, fusionStrength, fusionThreshold, mergeRatio);
    }

    public BankSettings withFusionStrength(float v) {
        return new BankSettings(enabled, interval, v, fusionThreshold, mergeRatio);
    }

    public BankSettings withFusionThreshold(float v) {
        return new BankSettings(enabled, interval, fusionStrength, v, mergeRatio);
    }

    public BankSettings withMergeRatio(float v) {
        return new BankSettings(enabled, interval, fusionStrength, fusionThreshold, v);
    }
}
