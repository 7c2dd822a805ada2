package dev.streamcanvas.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.streamcanvas.engine.assign.Gaussian;
import dev.streamcanvas.engine.schedule.NoiseSchedule;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What makes vanilla and immiscible runs comparable (DESIGN §6): held-out loss with fresh, unassigned noise at
 * fixed timesteps, deterministic DDIM samples, and the Fréchet distance between VAE-encoder features of samples
 * and held-out images. Runs on the trainer's models and manager; training-thread only.
 */
final class Evaluation {
    private static final Logger LOG = LoggerFactory.getLogger(Evaluation.class);
    static final int[] HELD_OUT_TIMESTEPS = {50, 200, 350, 500, 650, 800, 950};
    /** Samples handed to the listener per quality measurement. */
    static final int SHOWN = 16;

    private final TrainConfig cfg;
    private final NDManager manager;
    private final NoiseSchedule schedule;
    private final MicroVae vae;
    private final MicroTextEncoder text;
    private final MicroUnet unet;

    /** A quality measurement: the distance (NaN when the samples are not finite) and the first samples. */
    record Quality(double frechetDistance, float[][] samples, int[][] argb) {
    }

    Evaluation(TrainConfig cfg, NDManager manager, NoiseSchedule schedule, MicroVae vae, MicroTextEncoder text,
            MicroUnet unet) {
        this.cfg = cfg;
        this.manager = manager;
        this.schedule = schedule;
        this.vae = vae;
        this.text = text;
        this.unet = unet;
    }

    /**
     * Mean epsilon MSE over held-out latents at fixed timesteps with fixed fresh (unassigned) noise.
     *
     * @param heldLatents [n, 4, h, h] scaled latents
     * @param ids         [n, L] caption token ids
     */
    double heldOutLoss(float[] heldLatents, long[] ids, int n) {
        if (n == 0) {
            return Double.NaN;
        }
        int h = cfg.model().latentSize();
        int d = 4 * h * h;
        int l = cfg.model().maxTokens();
        SplittableRandom r = new SplittableRandom(cfg.seed() ^ 0x4e4f4953L);
        double sum = 0;
        int count = 0;
        for (int t : HELD_OUT_TIMESTEPS) {
            float[] eps = Gaussian.fill(new float[n * d], r);
            int[] ts = new int[n];
            Arrays.fill(ts, t);
            float[] xt = schedule.addNoise(heldLatents, eps, ts, d);
            float[] tf = new float[n];
            Arrays.fill(tf, t);
            try (NDManager sm = manager.newSubManager()) {
                unet.params().lendTo(sm);
                text.params().lendTo(sm);
                NDArray ctx = text.forward(sm.create(ids, new Shape(n, l)));
                NDArray pred = unet.forward(sm.create(xt, new Shape(n, 4, h, h)), sm.create(tf, new Shape(n)), ctx);
                sum += pred.sub(sm.create(eps, new Shape(n, 4, h, h))).square().mean().getFloat() * n;
                count += n;
            }
        }
        return sum / count;
    }

    /**
     * Deterministic DDIM sampling (eta 0, no guidance) from seeded noise for the given token ids [n, L];
     * returns decoded images [n, 3, S, S].
     */
    float[] sample(long[] ids, int n, int steps, long seed, float scaling) {
        int h = cfg.model().latentSize();
        int d = 4 * h * h;
        int l = cfg.model().maxTokens();
        float[] x = Gaussian.fill(new float[n * d], new SplittableRandom(seed));
        int[] ts = new int[steps];
        for (int k = 0; k < steps; k++) {
            ts[k] = (int) Math.round(999.0 - k * 999.0 / steps);
        }
        float[] ctx;
        try (NDManager sm = manager.newSubManager()) {
            text.params().lendTo(sm);
            ctx = text.forward(sm.create(ids, new Shape(n, l))).toFloatArray();           // [n, L, D]
        }
        Shape ctxShape = new Shape(n, l, cfg.model().textDim());
        for (int k = 0; k < steps; k++) {
            int t = ts[k];
            double ab = schedule.alphaBar(t);
            double abPrev = k + 1 < steps ? schedule.alphaBar(ts[k + 1]) : 1.0;
            float[] tf = new float[n];
            Arrays.fill(tf, t);
            // one sub-manager per step, so the activations of a step are freed before the next
            try (NDManager sm = manager.newSubManager()) {
                unet.params().lendTo(sm);
                NDArray xs = sm.create(x, new Shape(n, 4, h, h));
                NDArray eps = unet.forward(xs, sm.create(tf, new Shape(n)), sm.create(ctx, ctxShape));
                NDArray x0 = xs.sub(eps.mul((float) Math.sqrt(1 - ab))).div((float) Math.sqrt(ab));
                x = x0.mul((float) Math.sqrt(abPrev)).add(eps.mul((float) Math.sqrt(1 - abPrev))).toFloatArray();
            }
        }
        try (NDManager sm = manager.newSubManager()) {
            vae.params().lendTo(sm);
            return vae.decode(sm.create(x, new Shape(n, 4, h, h)).div(scaling)).clip(-1f, 1f).toFloatArray();
        }
    }

    /**
     * Samples for the held-out captions and their Fréchet distance to the held-out images.
     *
     * @param ids  [n, L] held-out caption ids
     * @param real [n, 3, S, S] the held-out images
     * @param step for the log line only
     */
    Quality quality(long[] ids, float[] real, int n, float scaling, int step) {
        float[] gen = sample(ids, n, cfg.sampleSteps(), cfg.seed() ^ 0x5a4d504cL, scaling);
        int s = cfg.model().imageSize();
        int imgLen = 3 * s * s;
        int fdim = 2 * cfg.model().vaeChannels();
        double fd = Double.NaN;
        float[] fg = features(gen, n);
        if (allFinite(fg)) {
            fd = FrechetDistance.between(fg, n, features(real, n), n, fdim);
        } else {
            LOG.warn("step {}: generated samples are not finite (diverged weights?); no Frechet distance", step);
        }
        int shown = Math.min(SHOWN, n);
        float[][] samples = new float[shown][];
        int[][] argb = new int[shown][];
        for (int i = 0; i < shown; i++) {
            samples[i] = Arrays.copyOfRange(gen, i * imgLen, (i + 1) * imgLen);
            argb[i] = ImageFolder.toArgb(samples[i], s);
        }
        return new Quality(fd, samples, argb);
    }

    /** Classifier-feature quality: the Fréchet distance and its bootstrap standard deviation. */
    record ClassifierQuality(double fd, double std) {
    }

    /** Bootstrap replicates of the classifier-feature distance (generated set resampled). */
    static final int BOOTSTRAP_ROUNDS = 50;
    /** Generated samples per DDIM call of the classifier metric (bounds the memory of one call). */
    static final int SAMPLE_CHUNK = 64;

    /**
     * {@code cfg.qualitySamples()} deterministic DDIM samples of the held-out captions in turn (sample j has caption
     * j mod nHeld and its own seeded noise, the same in every run of one seed), measured with the classifier's
     * pooled features against the held-out images' features.
     *
     * @param heldIds      [nHeld, L] held-out caption ids
     * @param realFeatures [nHeld, classifier feature dim]
     */
    ClassifierQuality classifierQuality(EmojiClassifier clf, long[] heldIds, int nHeld, float[] realFeatures,
            float scaling, int step) {
        int total = cfg.qualitySamples();
        int l = cfg.model().maxTokens();
        int s = cfg.model().imageSize();
        int imgLen = 3 * s * s;
        int dim = clf.featureDim();
        float[] feats = new float[total * dim];
        for (int start = 0; start < total; start += SAMPLE_CHUNK) {
            int m = Math.min(SAMPLE_CHUNK, total - start);
            long[] ids = new long[m * l];
            for (int i = 0; i < m; i++) {
                System.arraycopy(heldIds, ((start + i) % nHeld) * l, ids, i * l, l);
            }
            float[] gen = sample(ids, m, cfg.sampleSteps(), (cfg.seed() ^ 0x434c4653L) + start, scaling);
            if (!allFinite(gen)) {
                LOG.warn("step {}: generated samples are not finite (diverged weights?); no classifier distance", step);
                return new ClassifierQuality(Double.NaN, Double.NaN);
            }
            System.arraycopy(clf.evaluate(gen, m).features(), 0, feats, start * dim, m * dim);
            if (gen.length != m * imgLen) {
                throw new IllegalStateException("sampler returned " + gen.length + " values for " + m + " images");
            }
        }
        double fd = FrechetDistance.between(feats, total, realFeatures, nHeld, dim);
        double sd = FrechetDistance.bootstrapStd(feats, total, realFeatures, nHeld, dim, BOOTSTRAP_ROUNDS,
                cfg.seed() ^ 0x424f4f54L ^ step);
        return new ClassifierQuality(fd, sd);
    }

    /** Quality-metric features: VAE encoder trunk, averaged over space. images [n, 3, S, S] -> [n, 2c]. */
    private float[] features(float[] images, int n) {
        int s = cfg.model().imageSize();
        try (NDManager sm = manager.newSubManager()) {
            vae.params().lendTo(sm);
            NDArray f = vae.features(sm.create(images, new Shape(n, 3, s, s)));       // [n, 2c, h, w]
            return f.reshape(n, f.getShape().get(1), -1).mean(new int[] {2}).toFloatArray();
        }
    }

    private static boolean allFinite(float[] x) {
        for (float v : x) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
