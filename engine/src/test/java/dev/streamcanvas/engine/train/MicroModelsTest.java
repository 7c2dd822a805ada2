package dev.streamcanvas.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.streamcanvas.engine.assign.Gaussian;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MicroModelsTest {

    @Test
    void groupNormMatchesAHandComputation() {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); Params p = new Params(m, 1)) {
            Nn.defNorm(p, "gn", 4);
            p.get("gn.weight").set(new float[] {1, 2, 3, 4});
            p.get("gn.bias").set(new float[] {0, 1, 0, -1});
            SplittableRandom r = new SplittableRandom(2);
            float[] x = new float[2 * 4 * 3 * 3];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextDouble(-3, 3);
            }
            float[] y = Nn.groupNorm(m.create(x, new Shape(2, 4, 3, 3)), p, "gn", 2).toFloatArray();
            float[] gamma = {1, 2, 3, 4};
            float[] beta = {0, 1, 0, -1};
            for (int b = 0; b < 2; b++) {
                for (int g = 0; g < 2; g++) {
                    int start = b * 36 + g * 18;
                    double mean = 0;
                    for (int i = 0; i < 18; i++) {
                        mean += x[start + i];
                    }
                    mean /= 18;
                    double var = 0;
                    for (int i = 0; i < 18; i++) {
                        var += (x[start + i] - mean) * (x[start + i] - mean);
                    }
                    var /= 18;
                    for (int i = 0; i < 18; i++) {
                        int c = g * 2 + i / 9;
                        double expect = (x[start + i] - mean) / Math.sqrt(var + 1e-5) * gamma[c] + beta[c];
                        assertThat((double) y[start + i]).isCloseTo(expect, within(1e-4));
                    }
                }
            }
        }
    }

    @Test
    void timestepEmbeddingIsCosinesThenSines() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            float[] e = Nn.timestepEmbedding(m.create(new float[] {0f, 500f}), 8).toFloatArray();
            for (int i = 0; i < 4; i++) {
                double f = Math.exp(-Math.log(10000) * i / 4);
                assertThat((double) e[i]).isCloseTo(1.0, within(1e-6));
                assertThat((double) e[4 + i]).isCloseTo(0.0, within(1e-6));
                assertThat((double) e[8 + i]).isCloseTo(Math.cos(500 * f), within(1e-4));
                assertThat((double) e[12 + i]).isCloseTo(Math.sin(500 * f), within(1e-4));
            }
        }
    }

    @Test
    void modelsHaveTheContractShapesAndAFewAdamStepsFitOneBatch() {
        MicroSdConfig cfg = MicroSdConfig.tiny();
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                MicroVae vae = new MicroVae(m, cfg, 1);
                MicroTextEncoder te = new MicroTextEncoder(m, cfg, 40, 2);
                MicroUnet unet = new MicroUnet(m, cfg, 3)) {
            SplittableRandom r = new SplittableRandom(4);
            int b = 2;
            int s = cfg.imageSize();
            float[] img = SyntheticImages.smoothBatch(b, 3, s, s, r);
            float[] noise = Gaussian.fill(new float[b * 4 * 4 * 4], r);
            long[] ids = new long[b * cfg.maxTokens()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = r.nextInt(40);
            }
            double first = 0;
            double last = 0;
            for (int step = 0; step < 8; step++) {
                try (NDManager sm = m.newSubManager()) {
                    vae.params().lendTo(sm);
                    te.params().lendTo(sm);
                    unet.params().lendTo(sm);
                    NDArray x = sm.create(img, new Shape(b, 3, s, s));
                    NDArray lat = vae.encode(x);
                    assertThat(lat.getShape()).isEqualTo(new Shape(b, 8, 4, 4));
                    assertThat(vae.decode(lat.get(":, 0:4")).getShape()).isEqualTo(new Shape(b, 3, s, s));
                    try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                        NDArray ctx = te.forward(sm.create(ids, new Shape(b, cfg.maxTokens())));
                        assertThat(ctx.getShape()).isEqualTo(new Shape(b, cfg.maxTokens(), cfg.textDim()));
                        NDArray eps = sm.create(noise, new Shape(b, 4, 4, 4));
                        NDArray pred = unet.forward(eps.mul(0.5f), sm.create(new float[] {10f, 700f}), ctx);
                        NDArray loss = pred.sub(eps).square().mean();
                        double l = loss.getFloat();
                        if (step == 0) {
                            first = l;
                        }
                        last = l;
                        gc.backward(loss);
                    }
                }
                unet.params().adamStep(3e-3f, 0.9f, 0.999f, 1e-8f, 1f);
                te.params().adamStep(3e-3f, 0.9f, 0.999f, 1e-8f, 1f);
            }
            assertThat(first).isBetween(0.5, 2.0);
            assertThat(last).isLessThan(0.7 * first);
        }
    }

    @Test
    void nonFiniteGradientSkipsTheUpdateAndLeavesWeightsFinite() {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); Params p = new Params(m, 1)) {
            p.constant("w", 1f, 2);
            for (float first : new float[] {Float.POSITIVE_INFINITY, 3f}) {
                try (NDManager sm = m.newSubManager()) {
                    p.lendTo(sm);
                    try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                        gc.backward(p.get("w").mul(sm.create(new float[] {first, 1f})).sum());
                    }
                }
                boolean applied = p.adamStep(0.1f, 0.9f, 0.999f, 1e-8f, 1f);
                float[] w = p.get("w").toFloatArray();
                if (Float.isInfinite(first)) {
                    assertThat(applied).isFalse();
                    assertThat(w).containsExactly(1f, 1f);
                    assertThat(p.adamSteps()).isZero();
                } else {
                    // the skipped step left no inf/NaN behind: this one moves both weights by lr (Adam's first step)
                    assertThat(applied).isTrue();
                    assertThat((double) w[0]).isCloseTo(0.9, within(1e-5));
                    assertThat((double) w[1]).isCloseTo(0.9, within(1e-5));
                }
            }
        }
    }

    @Test
    void afterAnOptimiserResetTheNextStepIsAFirstAdamStepAgain() {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); Params p = new Params(m, 1)) {
            p.constant("w", 1f, 2);
            float[][] grads = {{1f, 1f}, {1f, 1f}, {1f, 1f}, {-0.01f, 4f}};
            float[] before = null;
            for (int k = 0; k < grads.length; k++) {
                if (k == 3) {
                    p.resetOptimizer();
                    assertThat(p.adamSteps()).isZero();
                    before = p.get("w").toFloatArray();
                }
                try (NDManager sm = m.newSubManager()) {
                    p.lendTo(sm);
                    try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                        gc.backward(p.get("w").mul(sm.create(grads[k])).sum());
                    }
                }
                p.adamStep(0.1f, 0.9f, 0.999f, 1e-8f, 100f);
            }
            // a first step moves every weight by lr against the sign of its gradient, whatever its size; with the
            // old moments (three steps of +1) the first weight would still have moved down
            float[] w = p.get("w").toFloatArray();
            assertThat((double) (w[0] - before[0])).isCloseTo(0.1, within(1e-5));
            assertThat((double) (w[1] - before[1])).isCloseTo(-0.1, within(1e-5));
            assertThat(p.adamSteps()).isEqualTo(1);
        }
    }
}
