package dev.streamcanvas.engine.onnx;

import java.util.Objects;

/**
 * What a fixture model folder looks like: resolution, VAE factor, text width and length, and which of the
 * signature variants real exports use (see {@link FixtureGenerator} for the closed forms). Immutable;
 * {@link #defaults()} gives 64x64, f = 8, D = 32, L = 16, int32 ids, int64 [B] timestep, latent_sample,
 * no timestep_cond, fp32, analytic weights.
 *
 * @param width         image width W in pixels (multiple of {@code vaeFactor})
 * @param height        image height H in pixels (multiple of {@code vaeFactor})
 * @param vaeFactor     VAE down-sampling factor f: 8 (as SD) or 4
 * @param textDim       text embedding width D
 * @param seqLen        token sequence length L (tokenizer model_max_length)
 * @param ids           element type of input_ids
 * @param timestep      type and shape of the unet's timestep input
 * @param vaeOutput     name/shape of the VAE encoder output
 * @param timestepCond  width Cc of the optional unet input timestep_cond [B, Cc]; 0 = no such input
 * @param precision     FP32 or FP16 (every float input/output FLOAT16)
 * @param weights       ANALYTIC (closed forms) or RANDOM (seeded convolutions)
 * @param channels      hidden width C of the RANDOM graphs (ignored for ANALYTIC)
 * @param seed          seed of the RANDOM weights
 * @param padding       how the tokenizer pads: SD1 style (with end-of-text) or SD2/turbo style (with "!")
 * @param externalData  write every initializer of 1 KiB or more to {@code model.onnx_data} (optimum layout)
 */
public record FixtureSpec(int width, int height, int vaeFactor, int textDim, int seqLen, Ids ids, Timestep timestep,
        VaeOutput vaeOutput, int timestepCond, Precision precision, Weights weights, int channels, long seed,
        Padding padding, boolean externalData) {

    /** Element type of the text encoder's input_ids. */
    public enum Ids { INT32, INT64 }

    /** The unet's timestep input: int64 [B], float [B], or a float scalar []. */
    public enum Timestep { INT64, FLOAT, FLOAT_SCALAR }

    /** The VAE encoder output: {@code latent_sample} [B,4,h,w] or {@code latent_parameters} [B,8,h,w]. */
    public enum VaeOutput { LATENT_SAMPLE, LATENT_PARAMETERS }

    public enum Precision { FP32, FP16 }

    public enum Weights { ANALYTIC, RANDOM }

    /** SD1: pad with {@code <|endoftext|>}; SD2: pad with {@code !} (id 0). */
    public enum Padding { SD1, SD2 }

    public FixtureSpec {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(timestep, "timestep");
        Objects.requireNonNull(vaeOutput, "vaeOutput");
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(padding, "padding");
        if (vaeFactor != 4 && vaeFactor != 8) {
            throw new IllegalArgumentException("vaeFactor must be 4 or 8, got " + vaeFactor);
        }
        if (width <= 0 || height <= 0 || width % vaeFactor != 0 || height % vaeFactor != 0) {
            throw new IllegalArgumentException("size must be positive multiples of the VAE factor " + vaeFactor
                    + ", got " + width + "x" + height);
        }
        if (textDim < 1 || textDim > 4096) {
            throw new IllegalArgumentException("textDim must be in 1..4096, got " + textDim);
        }
        if (seqLen < 2 || seqLen > 1024) {
            throw new IllegalArgumentException("seqLen must be in 2..1024, got " + seqLen);
        }
        if (timestepCond < 0 || timestepCond > 4096) {
            throw new IllegalArgumentException("timestepCond must be in 0..4096 (0 = none), got " + timestepCond);
        }
        if (channels < 4 || channels > 1024 || channels % 2 != 0) {
            throw new IllegalArgumentException("channels must be even and in 4..1024, got " + channels);
        }
    }

    public static FixtureSpec defaults() {
        return new FixtureSpec(64, 64, 8, 32, 16, Ids.INT32, Timestep.INT64, VaeOutput.LATENT_SAMPLE, 0,
                Precision.FP32, Weights.ANALYTIC, 32, 42L, Padding.SD1, false);
    }

    /** Latent height h = H / f. */
    public int latentHeight() {
        return height / vaeFactor;
    }

    /** Latent width w = W / f. */
    public int latentWidth() {
        return width / vaeFactor;
    }

    public FixtureSpec withSize(int w, int h) {
        return new FixtureSpec(w, h, vaeFactor, textDim, seqLen, ids, timestep, vaeOutput, timestepCond, precision,
                weights, channels, seed, padding, externalData);
    }

    public FixtureSpec withVaeFactor(int f) {
        return new FixtureSpec(width, height, f, textDim, seqLen, ids, timestep, vaeOutput, timestepCond, precision,
                weights, channels, seed, padding, externalData);
    }

    public FixtureSpec withText(int dim, int len) {
        return new FixtureSpec(width, height, vaeFactor, dim, len, ids, timestep, vaeOutput, timestepCond, precision,
                weights, channels, seed, padding, externalData);
    }

    public FixtureSpec withIds(Ids v) {
        return new FixtureSpec(width, height, vaeFactor, textDim, seqLen, v, timestep, vaeOutput, timestepCond,
                precision, weights, channels, seed, padding, externalData);
    }

    public FixtureSpec withTimestep(Timestep v) {
        return new FixtureSpec(width, height, vaeFactor, textDim, seqLen, ids, v, vaeOutput, timestepCond, precision,
                weights, channels, seed, padding, externalData);
    }

    public FixtureSpec withVaeOutput(VaeOutput v) {
        return new FixtureSpec(width, height, vaeFactor, textDim, seqLen, ids, timestep, v, timestepCond, precision,
                weights, channels, seed, padding, externalData);
    }

    public FixtureSpec withTimestepCond(int cc) {
        return new FixtureSpec(width, height, vaeFactor, textDim, seqLen, ids, timestep, vaeOutput, cc, precision,
                weights, channels, seed, padding, externalData);
    }

    public FixtureSpec withPrecision(Precision v) {
        return new FixtureSpec(width, height, vaeFactor, textDim, seqLen, ids, timestep, vaeOutput, timestepCond, v,
                weights, channels, seed, padding, externalData);
    }

    public FixtureSpec withWeights(Weights v) {
        return new FixtureSpec(width, height, vaeFactor, textDim, seqLen, ids, timestep, vaeOutput, timestepCond,
                precision, v, channels, seed, padding, externalData);
    }

    public FixtureSpec withChannels(int c) {
        return new FixtureSpec(width, height, vaeFactor, textDim, seqLen, ids, timestep, vaeOutput, timestepCond,
                precision, weights, c, seed, padding, externalData);
    }

    public FixtureSpec withSeed(long s) {
        return new FixtureSpec(width, height, vaeFactor, textDim, seqLen, ids, timestep, vaeOutput, timestepCond,
                precision, weights, channels, s, padding, externalData);
    }

    public FixtureSpec withPadding(Padding p) {
        return new FixtureSpec(width, height, vaeFactor, textDim, seqLen, ids, timestep, vaeOutput, timestepCond,
                precision, weights, channels, seed, p, externalData);
    }

    public FixtureSpec withExternalData(boolean e) {
        return new FixtureSpec(width, height, vaeFactor, textDim, seqLen, ids, timestep, vaeOutput, timestepCond,
                precision, weights, channels, seed, padding, e);
    }
}
