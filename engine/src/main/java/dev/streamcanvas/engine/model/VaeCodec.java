package dev.streamcanvas.engine.model;

import dev.streamcanvas.engine.stream.LatentCodec;

/**
 * A VAE encoder/decoder pair as the stream's {@link LatentCodec}: maps the stream's [-1, 1] images to the graphs'
 * image range, multiplies encoder means by the scaling factor (0.18215 for SD's VAE, 1.0 for TAESD) and divides
 * before decoding. Owns both graphs. Not thread-safe.
 */
public final class VaeCodec implements LatentCodec, AutoCloseable {
    private final VaeEncoder encoder;
    private final VaeDecoder decoder;
    private final float scale;
    private final float low;
    private final float high;
    private final int factor;
    private float[] scratchImage = new float[0];
    private float[] scratchLatent = new float[0];

    /**
     * @param low  value the graphs use for black (-1 for SD's VAE, 0 for TAESD)
     * @param high value the graphs use for white (1)
     */
    public VaeCodec(VaeEncoder encoder, VaeDecoder decoder, float scale, float low, float high, int factor) {
        this.encoder = encoder;
        this.decoder = decoder;
        this.scale = scale;
        this.low = low;
        this.high = high;
        this.factor = factor;
    }

    public VaeEncoder encoder() {
        return encoder;
    }

    public VaeDecoder decoder() {
        return decoder;
    }

    public float scalingFactor() {
        return scale;
    }

    @Override
    public int factor() {
        return factor;
    }

    @Override
    public int channels() {
        return encoder.latentChannels();
    }

    private boolean identityRange() {
        return low == -1f && high == 1f;
    }

    @Override
    public void encode(float[] image, int frames, int height, int width, float[] latents) {
        float[] in = image;
        int n = frames * 3 * height * width;
        if (!identityRange()) {
            if (scratchImage.length < n) {
                scratchImage = new float[n];
            }
            float a = (high - low) / 2f;
            for (int i = 0; i < n; i++) {
                scratchImage[i] = low + (image[i] + 1f) * a;
            }
            in = scratchImage;
        }
        encoder.encode(in, frames, height, width, factor, latents);
        int m = frames * channels() * (height / factor) * (width / factor);
        if (scale != 1f) {
            for (int i = 0; i < m; i++) {
                latents[i] *= scale;
            }
        }
    }

    @Override
    public void decode(float[] latents, int frames, int height, int width, float[] image) {
        int m = frames * channels() * (height / factor) * (width / factor);
        float[] in = latents;
        if (scale != 1f) {
            if (scratchLatent.length < m) {
                scratchLatent = new float[m];
            }
            float inv = 1f / scale;
            for (int i = 0; i < m; i++) {
                scratchLatent[i] = latents[i] * inv;
            }
            in = scratchLatent;
        }
        decoder.decode(in, frames, channels(), height, width, factor, image);
        if (!identityRange()) {
            int n = frames * 3 * height * width;
            float a = 2f / (high - low);
            for (int i = 0; i < n; i++) {
                image[i] = (image[i] - low) * a - 1f;
            }
        }
    }

    /** Closes the decoder, then the encoder, each once. */
    @Override
    public void close() {
        try {
            decoder.close();
        } finally {
            encoder.close();
        }
    }
}
