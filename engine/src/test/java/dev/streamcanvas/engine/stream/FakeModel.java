package dev.streamcanvas.engine.stream;

import dev.streamcanvas.engine.schedule.NoiseSchedule;

/** A pure-Java model: the linear fakes plus a VAE that averages f x f blocks (channel 3 = 0) and upsamples back. */
final class FakeModel implements StreamModel {
    final LinearFakes.Prompts prompts = new LinearFakes.Prompts();
    final LinearFakes.Unet unet = new LinearFakes.Unet();
    final String name;
    final int factor;
    volatile RuntimeException failNextUnet;
    volatile float poisonNextDecode = 0f; // non-zero: the next decode writes this value (NaN, Inf) into one pixel
    volatile boolean closed;

    FakeModel(String name, int factor) {
        this.name = name;
        this.factor = factor;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public NoiseSchedule schedule() {
        return NoiseSchedule.STABLE_DIFFUSION;
    }

    @Override
    public PromptEncoder prompts() {
        return prompts;
    }

    @Override
    public Denoiser denoiser() {
        return new Denoiser() {
            @Override
            public void condition(Conditioning c) {
                unet.condition(c);
            }

            @Override
            public void predict(float[] latents, int batch, int h, int w, float[] out) {
                RuntimeException fail = failNextUnet;
                if (fail != null) {
                    failNextUnet = null;
                    throw fail;
                }
                unet.predict(latents, batch, h, w, out);
            }
        };
    }

    @Override
    public LatentCodec codec() {
        return new LatentCodec() {
            @Override
            public int factor() {
                return factor;
            }

            @Override
            public int channels() {
                return 4;
            }

            @Override
            public void encode(float[] image, int frames, int height, int width, float[] latents) {
                int h = height / factor;
                int w = width / factor;
                for (int fr = 0; fr < frames; fr++) {
                    for (int c = 0; c < 4; c++) {
                        for (int y = 0; y < h; y++) {
                            for (int x = 0; x < w; x++) {
                                double sum = 0;
                                if (c < 3) {
                                    for (int dy = 0; dy < factor; dy++) {
                                        for (int dx = 0; dx < factor; dx++) {
                                            sum += image[((fr * 3 + c) * height + y * factor + dy) * width + x * factor + dx];
                                        }
                                    }
                                }
                                latents[((fr * 4 + c) * h + y) * w + x] = (float) (sum / (factor * factor));
                            }
                        }
                    }
                }
            }

            @Override
            public void decode(float[] latents, int frames, int height, int width, float[] image) {
                int h = height / factor;
                int w = width / factor;
                for (int fr = 0; fr < frames; fr++) {
                    for (int c = 0; c < 3; c++) {
                        for (int y = 0; y < height; y++) {
                            for (int x = 0; x < width; x++) {
                                image[((fr * 3 + c) * height + y) * width + x] =
                                        latents[((fr * 4 + c) * h + y / factor) * w + x / factor];
                            }
                        }
                    }
                }
                float poison = poisonNextDecode;
                if (poison != 0f) {
                    poisonNextDecode = 0f;
                    image[image.length / 2] = poison;
                }
            }
        };
    }

    @Override
    public void close() {
        closed = true;
    }
}
