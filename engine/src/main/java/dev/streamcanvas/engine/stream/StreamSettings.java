package dev.streamcanvas.engine.stream;

import dev.streamcanvas.engine.v2v.BankSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything the user can change while streaming. Immutable; the compact constructor rejects a bad value with a
 * message naming it. Build with {@link #builder()} or derive with {@link #toBuilder()}.
 *
 * @param prompt           positive prompt
 * @param negativePrompt   negative prompt (used by INITIALIZE and FULL guidance; always kept encoded)
 * @param seed             seed of the noise bank and of the similarity filter's coin
 * @param noiseFile        optional {@code .npy} noise bank of shape [n*F, 4, h, w] replacing the seeded one
 * @param strength         0..1, mapped to the t_index list when {@code tIndices} is empty
 * @param slots            stream slots n (denoising steps), 1..8, used with {@code strength}
 * @param tIndices         explicit t_index list (ascending, each 0..49); empty = derive from strength
 * @param guidance         guidance mode
 * @param gamma            guidance scale, eps = u + gamma * (c - u) when gamma > 1, else eps = c (as StreamDiffusion)
 * @param delta            scale of the stock noise used as negative by SELF / INITIALIZE
 * @param filter           similarity filter
 * @param width            model input width in pixels (multiple of 8)
 * @param height           model input height in pixels (multiple of 8)
 * @param denoisingBatch   true: one UNet call over all slots (stream batch); false: one call per slot, no lag
 * @param doAddNoise       re-noise each slot's x0 estimate with the noise bank (false: scale only)
 * @param frameBatch       frames per call F (only with a single slot, for single-step models)
 * @param directStep       use F = (x_t - b eps) / a directly instead of the LCM boundary scalings (turbo models)
 * @param embeddedGuidance guidance scale w for UNets with an LCM {@code timestep_cond} input
 * @param temporal         StreamV2V feature bank ("temporal consistency"); used when the model has a bank
 */
public record StreamSettings(String prompt, String negativePrompt, long seed, Path noiseFile, double strength,
        int slots, List<Integer> tIndices, GuidanceMode guidance, float gamma, float delta, FilterSettings filter,
        int width, int height, boolean denoisingBatch, boolean doAddNoise, int frameBatch, boolean directStep,
        float embeddedGuidance, BankSettings temporal) {
    public static final int MAX_SLOTS = 8;
    public static final int MAX_SIDE = 4096;
    /** Width and height must be multiples of this (the VAE's usual downscale factor). */
    public static final int SIDE_MULTIPLE = 8;

    public StreamSettings {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(negativePrompt, "negativePrompt");
        Objects.requireNonNull(guidance, "guidance");
        Objects.requireNonNull(filter, "filter");
        temporal = temporal == null ? BankSettings.OFF : temporal;
        tIndices = tIndices == null || tIndices.isEmpty() ? List.of() : TIndexMapping.validate(tIndices);
        if (!(strength >= 0 && strength <= 1)) {
            throw new IllegalArgumentException("strength must be in [0, 1], got " + strength);
        }
        if (slots < 1 || slots > MAX_SLOTS) {
            throw new IllegalArgumentException("slots (steps) must be in [1, " + MAX_SLOTS + "], got " + slots);
        }
        if (!(gamma >= 0 && Float.isFinite(gamma))) {
            throw new IllegalArgumentException("gamma must be a finite value >= 0, got " + gamma);
        }
        if (!(delta >= 0 && Float.isFinite(delta))) {
            throw new IllegalArgumentException("delta must be a finite value >= 0, got " + delta);
        }
        if (!Float.isFinite(embeddedGuidance)) {
            throw new IllegalArgumentException("embedded guidance scale must be finite, got " + embeddedGuidance);
        }
        checkSide("width", width);
        checkSide("height", height);
        if (frameBatch < 1 || frameBatch > MAX_SLOTS) {
            throw new IllegalArgumentException("frame batch must be in [1, " + MAX_SLOTS + "], got " + frameBatch);
        }
        int n = tIndices.isEmpty() ? slots : tIndices.size();
        if (frameBatch > 1 && n > 1) {
            throw new IllegalArgumentException("frame batch " + frameBatch
                    + " needs a single-step model (1 slot), got " + n + " slots");
        }
    }

    private static void checkSide(String name, int v) {
        if (v < SIDE_MULTIPLE || v > MAX_SIDE || v % SIDE_MULTIPLE != 0) {
            throw new IllegalArgumentException(name + " must be a multiple of " + SIDE_MULTIPLE + " in [" + SIDE_MULTIPLE
                    + ", " + MAX_SIDE + "], got " + v);
        }
    }

    /** The t_index list in effect (explicit, or derived from strength and slots). */
    public List<Integer> resolvedTIndices() {
        return tIndices.isEmpty() ? TIndexMapping.fromStrength(strength, slots) : tIndices;
    }

    /** Number of stream slots n in effect. */
    public int slotCount() {
        return tIndices.isEmpty() ? slots : tIndices.size();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.prompt = prompt;
        b.negativePrompt = negativePrompt;
        b.seed = seed;
        b.noiseFile = noiseFile;
        b.strength = strength;
        b.slots = slots;
        b.tIndices = tIndices;
        b.guidance = guidance;
        b.gamma = gamma;
        b.delta = delta;
        b.filter = filter;
        b.width = width;
        b.height = height;
        b.denoisingBatch = denoisingBatch;
        b.doAddNoise = doAddNoise;
        b.frameBatch = frameBatch;
        b.directStep = directStep;
        b.embeddedGuidance = embeddedGuidance;
        b.temporal = temporal;
        return b;
    }

    /** Mutable builder with StreamDiffusion's img2img defaults (strength 0.36 → t_index [32, 45], RCFG self). */
    public static final class Builder {
        private String prompt = "";
        private String negativePrompt = "";
        private long seed = 2;
        private Path noiseFile;
        private double strength = 0.36;
        private int slots = 2;
        private List<Integer> tIndices = List.of();
        private GuidanceMode guidance = GuidanceMode.SELF;
        private float gamma = 1.2f;
        private float delta = 1.0f;
        private FilterSettings filter = FilterSettings.OFF;
        private int width = 512;
        private int height = 512;
        private boolean denoisingBatch = true;
        private boolean doAddNoise = true;
        private int frameBatch = 1;
        private boolean directStep;
        private float embeddedGuidance = 8.0f;
        private BankSettings temporal = BankSettings.OFF;

        public Builder prompt(String v) {
            prompt = v;
            return this;
        }

        public Builder negativePrompt(String v) {
            negativePrompt = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder noiseFile(Path v) {
            noiseFile = v;
            return this;
        }

        /** Sets the strength and clears an explicit t_index list. */
        public Builder strength(double v) {
            strength = v;
            tIndices = List.of();
            return this;
        }

        public Builder slots(int v) {
            slots = v;
            return this;
        }

        public Builder tIndices(List<Integer> v) {
            tIndices = v == null ? List.of() : v;
            return this;
        }

        public Builder guidance(GuidanceMode v) {
            guidance = v;
            return this;
        }

        public Builder gamma(float v) {
            gamma = v;
            return this;
        }

        public Builder delta(float v) {
            delta = v;
            return this;
        }

        public Builder filter(FilterSettings v) {
            filter = v;
            return this;
        }

        public Builder size(int w, int h) {
            width = w;
            height = h;
            return this;
        }

        public Builder denoisingBatch(boolean v) {
            denoisingBatch = v;
            return this;
        }

        public Builder doAddNoise(boolean v) {
            doAddNoise = v;
            return this;
        }

        public Builder frameBatch(int v) {
            frameBatch = v;
            return this;
        }

        public Builder directStep(boolean v) {
            directStep = v;
            return this;
        }

        public Builder embeddedGuidance(float v) {
            embeddedGuidance = v;
            return this;
        }

        /** StreamV2V feature-bank settings (off by default, as for the canvas). */
        public Builder temporal(BankSettings v) {
            temporal = v;
            return this;
        }

        public StreamSettings build() {
            return new StreamSettings(prompt, negativePrompt, seed, noiseFile, strength, slots, tIndices, guidance,
                    gamma, delta, filter, width, height, denoisingBatch, doAddNoise, frameBatch, directStep,
                    embeddedGuidance, temporal);
        }
    }
}
