package dev.streamcanvas.engine.stream;

/**
 * The VAE pair as the stream core sees it (full VAE or a tiny one). Latents are in "scaled" units: the encoder's
 * mean times the scaling factor, which is what the UNet consumes. Called only from the engine thread.
 */
public interface LatentCodec {
    /** Spatial down-scaling from image to latent (8 for Stable Diffusion, 4 for the micro model). */
    int factor();

    /** Latent channels (4). */
    int channels();

    /**
     * @param image   [frames, 3, H, W] in [-1, 1]
     * @param latents [frames, C, H/f, W/f] receives the scaled latent mean
     */
    void encode(float[] image, int frames, int height, int width, float[] latents);

    /**
     * @param latents [frames, C, H/f, W/f] scaled latents
     * @param image   [frames, 3, H, W] receives the decoded image, about [-1, 1]
     */
    void decode(float[] latents, int frames, int height, int width, float[] image);
}
