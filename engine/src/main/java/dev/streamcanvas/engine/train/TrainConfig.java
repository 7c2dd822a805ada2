package dev.streamcanvas.engine.train;

import dev.streamcanvas.engine.assign.NoiseAssignment;
import java.nio.file.Path;

/**
 * One training run.
 *
 * @param outDir          run folder: checkpoint, tokenizer, metrics (created)
 * @param model           model sizes
 * @param assignment      how noise is paired with latents (vanilla = NONE)
 * @param knn             k for {@link NoiseAssignment.Mode#KNN}
 * @param vaeSteps        steps of the VAE stage (skipped when {@code vaeFrom} is given)
 * @param steps           steps of the UNet + text encoder stage
 * @param batch           batch size of both stages
 * @param lr              UNet/text learning rate (Adam)
 * @param vaeLr           VAE learning rate
 * @param checkpointEvery write a checkpoint every this many steps (and at the end or on cancel)
 * @param evalEvery       held-out loss every this many UNet steps (0: only at the end)
 * @param qualityEvery    sample-quality distance (and sample grid) every this many UNet steps (0: only at the end)
 * @param heldOut         images kept out of training for the metrics (at most a fifth of the set)
 * @param bpeMerges       maximum BPE merges learnt from the captions
 * @param sampleSteps     DDIM steps for samples
 * @param seed            seed for initialisation, data order, flips, timesteps and noise
 * @param vaeFrom         optional run folder whose trained VAE (and scaling factor) to reuse, so that two runs share it
 * @param resume          continue from {@code outDir}'s checkpoint when there is one
 * @param shortCaptions   share of UNet rows (after caption dropout) whose caption is cut to one of its shorter
 *                        forms ({@link CaptionForms#shorter}, chosen uniformly), so that short prompts ("dog face")
 *                        are in the training distribution; 0 trains on whole captions only
 * @param classifierDir   optional folder of an {@link EmojiClassifier} ({@code classifier.bin}) of the model's image
 *                        size: each quality measurement then also computes the Fréchet distance on its pooled
 *                        features (and its bootstrap spread); null for none
 * @param qualitySamples  generated samples (DDIM, from the held-out captions in turn) for the classifier metric
 * @param initFrom        optional run folder to start from when {@code outDir} has no checkpoint yet (or
 *                        {@code resume} is off): its weights, step counts, scaling factor, metrics and tokenizer, with
 *                        a fresh Adam state, for going on with changed data or learning rate without carrying
 *                        the old run's optimiser history along; null for none
 */
public record TrainConfig(Path outDir, MicroSdConfig model, NoiseAssignment.Mode assignment, int knn, int vaeSteps, int steps,
        int batch, float lr, float vaeLr, int checkpointEvery, int evalEvery, int qualityEvery, int heldOut,
        int bpeMerges, int sampleSteps, long seed, Path vaeFrom, boolean resume, float shortCaptions,
        Path classifierDir, int qualitySamples, Path initFrom) {

    public TrainConfig {
        if (outDir == null || model == null || assignment == null) {
            throw new IllegalArgumentException("outDir, model and assignment are required");
        }
        if (steps < 0 || vaeSteps < 0 || batch < 1 || checkpointEvery < 1 || lr <= 0 || vaeLr <= 0) {
            throw new IllegalArgumentException("need steps >= 0, vaeSteps >= 0, batch >= 1, checkpointEvery >= 1, lr > 0; got steps="
                    + steps + " vaeSteps=" + vaeSteps + " batch=" + batch + " checkpointEvery=" + checkpointEvery + " lr=" + lr);
        }
        if (assignment == NoiseAssignment.Mode.KNN && knn < 1) {
            throw new IllegalArgumentException("knn assignment needs k >= 1, got " + knn);
        }
        if (!(shortCaptions >= 0 && shortCaptions <= 1)) {
            throw new IllegalArgumentException("shortCaptions must be in [0, 1], got " + shortCaptions);
        }
        if (qualitySamples < 2) {
            throw new IllegalArgumentException("qualitySamples must be at least 2, got " + qualitySamples);
        }
    }

    /** Defaults for a folder of images: standard model, vanilla, 3000 steps of batch 32. */
    public static TrainConfig defaults(Path outDir) {
        return builder().setOutDir(outDir).build();
    }

    /**
     * A builder in DJL's style: {@code set*} for what is required (the run folder), {@code opt*} for the rest,
     * which defaults to {@link #defaults}' values (standard model, vanilla, 2000 VAE + 3000 UNet steps of batch
     * 32, lr 1e-3, checkpoint every 200, held-out loss every 100 and quality every 500 steps, 64 held-out images,
     * 600 BPE merges, 20 sample steps, seed 1234, no VAE reuse, no resume, whole captions only, no classifier,
     * 256 classifier-metric samples).
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.outDir = outDir;
        b.model = model;
        b.assignment = assignment;
        b.knn = knn;
        b.vaeSteps = vaeSteps;
        b.steps = steps;
        b.batch = batch;
        b.lr = lr;
        b.vaeLr = vaeLr;
        b.checkpointEvery = checkpointEvery;
        b.evalEvery = evalEvery;
        b.qualityEvery = qualityEvery;
        b.heldOut = heldOut;
        b.bpeMerges = bpeMerges;
        b.sampleSteps = sampleSteps;
        b.seed = seed;
        b.vaeFrom = vaeFrom;
        b.resume = resume;
        b.shortCaptions = shortCaptions;
        b.classifierDir = classifierDir;
        b.qualitySamples = qualitySamples;
        b.initFrom = initFrom;
        return b;
    }

    public TrainConfig withAssignment(NoiseAssignment.Mode a, int k) {
        return toBuilder().optAssignment(a, k).build();
    }

    public TrainConfig withOutDir(Path dir) {
        return toBuilder().setOutDir(dir).build();
    }

    public TrainConfig withVaeFrom(Path dir) {
        return toBuilder().optVaeFrom(dir).build();
    }

    public TrainConfig withSeed(long s) {
        return toBuilder().optSeed(s).build();
    }

    public TrainConfig withResume(boolean r) {
        return toBuilder().optResume(r).build();
    }

    public TrainConfig withSteps(int vae, int unet) {
        return toBuilder().optVaeSteps(vae).optSteps(unet).build();
    }

    /** Builds a {@link TrainConfig}; {@link #build()} validates (the record's constructor names a bad value). */
    public static final class Builder {
        private Path outDir;
        private MicroSdConfig model = MicroSdConfig.standard();
        private NoiseAssignment.Mode assignment = NoiseAssignment.Mode.NONE;
        private int knn = 4;
        private int vaeSteps = 2000;
        private int steps = 3000;
        private int batch = 32;
        private float lr = 1e-3f;
        private float vaeLr = 1e-3f;
        private int checkpointEvery = 200;
        private int evalEvery = 100;
        private int qualityEvery = 500;
        private int heldOut = 64;
        private int bpeMerges = 600;
        private int sampleSteps = 20;
        private long seed = 1234;
        private Path vaeFrom;
        private boolean resume;
        private float shortCaptions;
        private Path classifierDir;
        private int qualitySamples = 256;
        private Path initFrom;

        private Builder() {
        }

        /** The run folder (required): checkpoint, tokenizer, metrics. */
        public Builder setOutDir(Path dir) {
            outDir = dir;
            return this;
        }

        public Builder optModel(MicroSdConfig m) {
            model = m;
            return this;
        }

        /** Noise pairing; {@code k} is used by KNN only. */
        public Builder optAssignment(NoiseAssignment.Mode mode, int k) {
            assignment = mode;
            knn = k;
            return this;
        }

        public Builder optVaeSteps(int n) {
            vaeSteps = n;
            return this;
        }

        /** UNet + text-encoder steps. */
        public Builder optSteps(int n) {
            steps = n;
            return this;
        }

        public Builder optBatch(int n) {
            batch = n;
            return this;
        }

        /** UNet/text learning rate (Adam). */
        public Builder optLearningRate(float v) {
            lr = v;
            return this;
        }

        public Builder optVaeLearningRate(float v) {
            vaeLr = v;
            return this;
        }

        public Builder optCheckpointEvery(int n) {
            checkpointEvery = n;
            return this;
        }

        /** Held-out loss every n UNet steps (0: only at the end). */
        public Builder optEvalEvery(int n) {
            evalEvery = n;
            return this;
        }

        /** Sample quality every n UNet steps (0: only at the end). */
        public Builder optQualityEvery(int n) {
            qualityEvery = n;
            return this;
        }

        public Builder optHeldOut(int n) {
            heldOut = n;
            return this;
        }

        public Builder optBpeMerges(int n) {
            bpeMerges = n;
            return this;
        }

        public Builder optSampleSteps(int n) {
            sampleSteps = n;
            return this;
        }

        public Builder optSeed(long s) {
            seed = s;
            return this;
        }

        /** A run folder whose trained VAE (and scaling factor) to reuse; null for none. */
        /** Starts a new run from another run's weights with a fresh optimiser (see {@link TrainConfig}). */
        public Builder optInitFrom(Path dir) {
            initFrom = dir;
            return this;
        }

        public Builder optVaeFrom(Path dir) {
            vaeFrom = dir;
            return this;
        }

        public Builder optResume(boolean r) {
            resume = r;
            return this;
        }

        /** Share of UNet rows trained on a shorter form of their caption (default 0). */
        public Builder optShortCaptions(float share) {
            shortCaptions = share;
            return this;
        }

        /** Folder of an emoji classifier whose features measure sample quality too; null for none. */
        public Builder optClassifier(Path dir) {
            classifierDir = dir;
            return this;
        }

        /** Generated samples for the classifier-feature Fréchet distance (default 256). */
        public Builder optQualitySamples(int n) {
            qualitySamples = n;
            return this;
        }

        public TrainConfig build() {
            return new TrainConfig(outDir, model, assignment, knn, vaeSteps, steps, batch, lr, vaeLr, checkpointEvery,
                    evalEvery, qualityEvery, heldOut, bpeMerges, sampleSteps, seed, vaeFrom, resume, shortCaptions,
                    classifierDir, qualitySamples, initFrom);
        }
    }
}
