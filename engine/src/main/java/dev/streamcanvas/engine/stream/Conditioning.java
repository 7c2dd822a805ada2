package dev.streamcanvas.engine.stream;

import java.util.Objects;

/**
 * What a UNet batch is conditioned on, row by row: one training timestep and one [L, D] text embedding per row.
 * The stream core builds one whenever its batch layout changes (prompt, guidance mode, t_index list, slots,
 * frame batch) and hands it to {@link Denoiser#condition} once; the per-frame {@link Denoiser#predict} then
 * carries only latents. Immutable: the arrays are copied in and never handed out.
 *
 * @param timesteps      [rows] training timesteps
 * @param embeddings     [rows, L, D] text embeddings
 * @param sequenceLength L, tokens per embedding
 * @param width          D, embedding width
 */
public record Conditioning(int[] timesteps, float[] embeddings, int sequenceLength, int width) {
    public Conditioning {
        Objects.requireNonNull(timesteps, "timesteps");
        Objects.requireNonNull(embeddings, "embeddings");
        if (sequenceLength < 1 || width < 1) {
            throw new IllegalArgumentException("need L >= 1 and D >= 1, got L=" + sequenceLength + " D=" + width);
        }
        if (embeddings.length != (long) timesteps.length * sequenceLength * width) {
            throw new IllegalArgumentException("embeddings hold " + embeddings.length + " values, but " + timesteps.length
                    + " rows of [L=" + sequenceLength + ", D=" + width + "] need "
                    + (long) timesteps.length * sequenceLength * width);
        }
        timesteps = timesteps.clone();
        embeddings = embeddings.clone();
    }

    /** Rows conditioned (the largest batch {@link Denoiser#predict} may run under this conditioning). */
    public int rows() {
        return timesteps.length;
    }

    /** A copy of the timesteps. */
    @Override
    public int[] timesteps() {
        return timesteps.clone();
    }

    /** A copy of the embeddings. */
    @Override
    public float[] embeddings() {
        return embeddings.clone();
    }
}
