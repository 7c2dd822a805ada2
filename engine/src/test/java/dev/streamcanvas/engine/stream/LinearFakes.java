package dev.streamcanvas.engine.stream;

import java.util.Arrays;

/**
 * Pure-Java stand-ins with the same closed forms as the ANALYTIC fixture graphs:
 * eps = 0.5 x + 0.1 mean(embedding row) + 0.001 t, and a prompt embedding filled with 0.01 * length(prompt) + 0.005.
 */
final class LinearFakes {
    private LinearFakes() {
    }

    static final int L = 3;
    static final int D = 2;

    static double promptMean(String prompt) {
        return 0.01 * prompt.length() + 0.005;
    }

    static final class Prompts implements PromptEncoder {
        int calls;

        @Override
        public int sequenceLength() {
            return L;
        }

        @Override
        public int width() {
            return D;
        }

        @Override
        public float[] encode(String prompt) {
            calls++;
            float[] v = new float[L * D];
            Arrays.fill(v, (float) promptMean(prompt));
            return v;
        }
    }

    static final class Unet implements Denoiser {
        int calls;
        int lastBatch;
        float[] lastInput; // copy of the latents of the last call
        int conditionings; // condition() calls
        private int[] timesteps = new int[0];
        private float[] embeddings = new float[0];

        @Override
        public void condition(Conditioning c) {
            conditionings++;
            timesteps = c.timesteps();
            embeddings = c.embeddings();
        }

        @Override
        public void predict(float[] latents, int batch, int h, int w, float[] out) {
            calls++;
            lastBatch = batch;
            lastInput = java.util.Arrays.copyOf(latents, batch * 4 * h * w);
            int e = 4 * h * w;
            int ld = L * D;
            for (int b = 0; b < batch; b++) {
                double m = 0;
                for (int k = 0; k < ld; k++) {
                    m += embeddings[b * ld + k];
                }
                m /= ld;
                for (int k = 0; k < e; k++) {
                    out[b * e + k] = (float) (0.5 * latents[b * e + k] + 0.1 * m + 0.001 * timesteps[b]);
                }
            }
        }
    }
}
