package dev.streamcanvas.engine.train;

/**
 * Sizes of the micro Stable Diffusion. The VAE downsamples by {@code vaeFactor}, 4 (64x64x3 to 16x16x4 at the
 * default size) or 8 (one more stride-2 stage each way, 64x64x3 to 8x8x4, as Stable Diffusion's VAE).
 *
 * @param imageSize   square image side, a multiple of 16
 * @param vaeChannels VAE base width (the middle runs at twice this)
 * @param unetChannels UNet base width (levels: 1x, 2x, 2x)
 * @param textDim     text embedding width D of last_hidden_state [B, L, D]
 * @param textLayers  transformer layers in the text encoder
 * @param heads       attention heads everywhere
 * @param maxTokens   token sequence length L (CLIP uses 77)
 * @param groups      GroupNorm groups (divides every channel count)
 * @param vaeFactor   VAE downsampling, 4 or 8; the image side must be a multiple of 4 x vaeFactor (the UNet halves
 *                    the latents twice)
 */
public record MicroSdConfig(int imageSize, int vaeChannels, int unetChannels, int textDim, int textLayers, int heads,
        int maxTokens, int groups, int vaeFactor) {
    public static final int LATENT_CHANNELS = 4;

    public MicroSdConfig {
        if (vaeFactor != 4 && vaeFactor != 8) {
            throw new IllegalArgumentException("vaeFactor must be 4 or 8, got " + vaeFactor);
        }
        if (imageSize < 4 * vaeFactor || imageSize % (4 * vaeFactor) != 0) {
            throw new IllegalArgumentException("imageSize must be a positive multiple of " + 4 * vaeFactor
                    + " for VAE factor " + vaeFactor + ", got " + imageSize);
        }
        check("vaeChannels", vaeChannels, groups);
        check("unetChannels", unetChannels, groups);
        if (textDim % heads != 0 || unetChannels * 2 % heads != 0) {
            throw new IllegalArgumentException("heads (" + heads + ") must divide textDim (" + textDim
                    + ") and 2*unetChannels (" + 2 * unetChannels + ")");
        }
        if (maxTokens < 3 || textLayers < 1) {
            throw new IllegalArgumentException("need maxTokens >= 3 and textLayers >= 1, got " + maxTokens + ", " + textLayers);
        }
    }

    private static void check(String name, int c, int groups) {
        if (c < 1 || groups < 1 || c % groups != 0) {
            throw new IllegalArgumentException(name + " (" + c + ") must be a positive multiple of groups (" + groups + ")");
        }
    }

    /** Sizes with VAE factor 4. */
    public MicroSdConfig(int imageSize, int vaeChannels, int unetChannels, int textDim, int textLayers, int heads,
            int maxTokens, int groups) {
        this(imageSize, vaeChannels, unetChannels, textDim, textLayers, heads, maxTokens, groups, 4);
    }

    /** The shipped size: 64x64 images, 16x16x4 latents, 77 tokens. */
    public static MicroSdConfig standard() {
        return new MicroSdConfig(64, 32, 64, 128, 2, 4, 77, 8);
    }

    /** A tiny configuration for tests (16x16 images, 4x4 latents). */
    public static MicroSdConfig tiny() {
        return new MicroSdConfig(16, 8, 16, 16, 1, 2, 8, 4);
    }

    public int latentSize() {
        return imageSize / vaeFactor;
    }

    /**
     * The run's identity in checkpoints (a resume must name the same sizes). Factor 4 is spelt as before the
     * factor existed, so the checkpoints written then still resume.
     */
    @Override
    public String toString() {
        return "MicroSdConfig[imageSize=" + imageSize + ", vaeChannels=" + vaeChannels + ", unetChannels=" + unetChannels
                + ", textDim=" + textDim + ", textLayers=" + textLayers + ", heads=" + heads + ", maxTokens=" + maxTokens
                + ", groups=" + groups + (vaeFactor == 4 ? "" : ", vaeFactor=" + vaeFactor) + "]";
    }
}
