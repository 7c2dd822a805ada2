package dev.streamcanvas.engine.train;

/**
 * Sizes of the micro Stable Diffusion. The VAE downsamples by 4 (64x64x3 to 16x16x4 at the default size).
 *
 * @param imageSize   square image side, a multiple of 16
 * @param vaeChannels VAE base width (the middle runs at twice this)
 * @param unetChannels UNet base width (levels: 1x, 2x, 2x)
 * @param textDim     text embedding width D of last_hidden_state [B, L, D]
 * @param textLayers  transformer layers in the text encoder
 * @param heads       attention heads everywhere
 * @param maxTokens   token sequence length L (CLIP uses 77)
 * @param groups      GroupNorm groups (divides every channel count)
 */
public record MicroSdConfig(int imageSize, int vaeChannels, int unetChannels, int textDim, int textLayers, int heads,
        int maxTokens, int groups) {
    public static final int LATENT_CHANNELS = 4;

    public MicroSdConfig {
        if (imageSize < 16 || imageSize % 16 != 0) {
            throw new IllegalArgumentException("imageSize must be a positive multiple of 16, got " + imageSize);
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

    /** The shipped size: 64x64 images, 16x16x4 latents, 77 tokens. */
    public static MicroSdConfig standard() {
        return new MicroSdConfig(64, 32, 64, 128, 2, 4, 77, 8);
    }

    /** A tiny configuration for tests (16x16 images, 4x4 latents). */
    public static MicroSdConfig tiny() {
        return new MicroSdConfig(16, 8, 16, 16, 1, 2, 8, 4);
    }

    public int latentSize() {
        return imageSize / 4;
    }
}
