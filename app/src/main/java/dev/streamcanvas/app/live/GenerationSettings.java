package dev.streamcanvas.app.live;

import dev.streamcanvas.app.output.PngWriter;
import dev.streamcanvas.engine.stream.GuidanceMode;
import dev.streamcanvas.engine.stream.StreamSettings;
import java.util.Objects;

/**
 * Everything the user can change while streaming, validated: each value outside its range is rejected with
 * a message naming it. Where the engine has a limit the bound is the engine's ({@link StreamSettings}); the
 * narrower bounds below are deliberate UI ranges (what the Generate tab's controls and a settings file may hold),
 * each inside the engine's limit, so every valid value here is a valid {@link StreamSettings}.
 *
 * @param strength            how far the output departs from the input, in [0, 1] (the engine's range)
 * @param steps               denoising steps of the stream batch, 1 to {@link StreamSettings#MAX_SLOTS} (the engine's)
 * @param gamma               guidance scale, in [0, {@value #MAX_GAMMA}]: a UI range (the engine takes any finite
 *                            value >= 0; the slider goes to 10, settings files may hold up to 20)
 * @param delta               RCFG strength of the virtual negative, in [0, 1]: a UI range (the engine takes any
 *                            finite value >= 0)
 * @param similarityThreshold cosine similarity above which frames may be skipped, in [0, {@value #MAX_THRESHOLD}]:
 *                            the engine allows 1, but at 1 the skip probability (c - t) / (1 - t) of two
 *                            identical frames is 0 / 0, so the app keeps below it
 * @param width               multiple of {@link StreamSettings#SIDE_MULTIPLE} (the engine's rule) in
 *                            [{@value #MIN_SIZE}, {@value #MAX_SIZE}]: a UI range inside the engine's
 *                            [{@link StreamSettings#SIDE_MULTIPLE}, {@link StreamSettings#MAX_SIDE}] that holds
 *                            every choice of the Generate tab
 * @param height              as {@code width}
 * @param temporal            StreamV2V feature bank ("temporal consistency"); the app turns it on for webcam and
 *                            video input and off for the canvas, the user may change it
 * @param temporalStrength    the bank's feature-fusion strength, in [0, 1]
 */
public record GenerationSettings(String prompt, String negativePrompt, double strength, int steps, GuidanceMode guidance,
        double gamma, double delta, long seed, boolean similarityFilter, double similarityThreshold, int width, int height,
        boolean temporal, double temporalStrength) {

    /** UI range of the picture side (see {@code width}). */
    public static final int MIN_SIZE = 64;
    /** UI range of the picture side (see {@code width}). */
    public static final int MAX_SIZE = 1024;
    /** UI range of the guidance scale (see {@code gamma}). */
    public static final double MAX_GAMMA = 20;
    /** Kept below 1 on purpose (see {@code similarityThreshold}). */
    public static final double MAX_THRESHOLD = 0.9999;

    public GenerationSettings {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(negativePrompt, "negativePrompt");
        Objects.requireNonNull(guidance, "guidance");
        check("strength", strength, 0, 1);
        if (steps < 1 || steps > StreamSettings.MAX_SLOTS) {
            throw new IllegalArgumentException("steps must be 1 to " + StreamSettings.MAX_SLOTS + ", got " + steps);
        }
        check("gamma", gamma, 0, MAX_GAMMA);
        check("delta", delta, 0, 1);
        check("similarityThreshold", similarityThreshold, 0, MAX_THRESHOLD);
        check("temporalStrength", temporalStrength, 0, 1);
        int m = StreamSettings.SIDE_MULTIPLE;
        if (width < MIN_SIZE || width > MAX_SIZE || width % m != 0 || height < MIN_SIZE || height > MAX_SIZE || height % m != 0) {
            throw new IllegalArgumentException("resolution must be a multiple of " + m + " between " + MIN_SIZE + " and " + MAX_SIZE
                    + " on each side, got " + width + "x" + height);
        }
    }

    /** Without the temporal settings: the bank off, fusion strength at its default. */
    public GenerationSettings(String prompt, String negativePrompt, double strength, int steps, GuidanceMode guidance,
            double gamma, double delta, long seed, boolean similarityFilter, double similarityThreshold, int width,
            int height) {
        this(prompt, negativePrompt, strength, steps, guidance, gamma, delta, seed, similarityFilter, similarityThreshold,
                width, height, false, DEFAULT_TEMPORAL_STRENGTH);
    }

    public static final double DEFAULT_TEMPORAL_STRENGTH = 0.8;

    private static void check(String name, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw new IllegalArgumentException(name + " must be in [" + lo + ", " + hi + "], got " + v);
        }
    }

    public static GenerationSettings defaults() {
        return new GenerationSettings("a vivid oil painting, thick brush strokes", "blurry, low quality", 0.5, 2,
                GuidanceMode.SELF, 1.2, 1.0, 2, true, 0.98, 512, 512);
    }

    /** The parameters as one text, written into snapshots (PNG tEXt "parameters"). */
    public String describe(String model, String device) {
        return PngWriter.oneLine(prompt) + "\nNegative prompt: " + PngWriter.oneLine(negativePrompt) + "\nSteps: " + steps + ", Strength: " + strength
                + ", Guidance: " + guidance.name().toLowerCase(java.util.Locale.ROOT) + ", Gamma: " + gamma + ", Delta: " + delta
                + ", Seed: " + seed + ", Similarity filter: " + (similarityFilter ? "on " + similarityThreshold : "off")
                + ", Temporal: " + (temporal ? "on " + temporalStrength : "off")
                + ", Size: " + width + "x" + height + ", Model: " + model + ", Device: " + device;
    }
}
