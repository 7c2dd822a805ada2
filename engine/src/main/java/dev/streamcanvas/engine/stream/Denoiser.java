package dev.streamcanvas.engine.stream;

/**
 * The noise-prediction network (the UNet) as the stream core sees it. Implementations may cache device copies of
 * {@code timesteps} and {@code embeddings} by array identity: the core passes a new array whenever their content
 * changes and never mutates an array it has passed. Called only from the engine thread.
 */
public interface Denoiser {
    /**
     * Predicts the noise of a batch.
     *
     * @param latents    [batch, 4, h, w] noisy latents (latent units, already multiplied by the VAE scaling factor)
     * @param timesteps  [batch] training timesteps, one per batch row
     * @param embeddings [batch, L, D] text embeddings, one per batch row
     * @param batch      rows used (the arrays may be longer)
     * @param h          latent height
     * @param w          latent width
     * @param out        [batch, 4, h, w] receives the predicted noise
     */
    void predict(float[] latents, int[] timesteps, float[] embeddings, int batch, int h, int w, float[] out);

    /** Guidance scale fed to UNets that take an LCM {@code timestep_cond}; others ignore it. */
    default void setEmbeddedGuidanceScale(float w) {
    }
}
