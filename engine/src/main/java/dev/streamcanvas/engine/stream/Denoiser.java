package dev.streamcanvas.engine.stream;

import dev.streamcanvas.engine.v2v.BankSettings;

/**
 * The noise-prediction network (the UNet) as the stream core sees it. Conditioning is explicit: the core hands the
 * per-row timesteps and text embeddings (with L and D) to {@link #condition} once per batch-layout change, and
 * each frame's {@link #predict} carries only the latents. An implementation uploads the conditioning to its
 * device tensors when it changes, not per frame. Further per-layer inputs (StreamV2V's feature bank) join here as
 * their own hand-over methods, next to {@code condition}. Called only from the engine thread.
 */
public interface Denoiser {
    /**
     * Sets the conditioning of the following {@link #predict} calls (until the next call of this method).
     *
     * @throws IllegalArgumentException when L or D do not fit the network (the message names both)
     */
    void condition(Conditioning conditioning);

    /**
     * Predicts the noise of a batch under the current {@link #condition conditioning}: row r is conditioned on
     * its row r.
     *
     * @param latents [rows, C, h, w] noisy latents (latent units, already multiplied by the VAE scaling factor)
     * @param rows    rows used (at most the conditioning's rows; the arrays may be longer)
     * @param h       latent height
     * @param w       latent width
     * @param out     [rows, C, h, w] receives the predicted noise
     */
    void predict(float[] latents, int rows, int h, int w, float[] out);

    /**
     * Hands over the StreamV2V feature-bank settings (the bank itself lives behind the denoiser, which feeds and
     * updates it around its own runs). {@code reset} empties the banks: the stream core passes true on a seed,
     * t_index/steps, size or guidance-layout change and on an input switch, false on a prompt change. Denoisers
     * without a bank ignore it.
     */
    default void temporal(BankSettings settings, long seed, boolean reset) {
    }

    /** Guidance scale fed to UNets that take an LCM {@code timestep_cond}; others ignore it. */
    default void setEmbeddedGuidanceScale(float w) {
    }
}
