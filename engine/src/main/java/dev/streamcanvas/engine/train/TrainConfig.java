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
 */
public record TrainConfig(Path outDir, MicroSdConfig model, NoiseAssignment.Mode assignment, int knn, int vaeSteps, int steps,
        int batch, float lr, float vaeLr, int checkpointEvery, int evalEvery, int qualityEvery, int heldOut,
        int bpeMerges, int sampleSteps, long seed, Path vaeFrom, boolean resume) {

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
    }

    /** Defaults for a folder of images: standard model, vanilla, 3000 steps of batch 32. */
    public static TrainConfig defaults(Path outDir) {
        return new TrainConfig(outDir, MicroSdConfig.standard(), NoiseAssignment.Mode.NONE, 4, 2000, 3000, 32, 1e-3f, 1e-3f, 200,
                100, 500, 64, 600, 20, 1234, null, false);
    }

    public TrainConfig withAssignment(NoiseAssignment.Mode a, int k) {
        return new TrainConfig(outDir, model, a, k, vaeSteps, steps, batch, lr, vaeLr, checkpointEvery, evalEvery,
                qualityEvery, heldOut, bpeMerges, sampleSteps, seed, vaeFrom, resume);
    }

    public TrainConfig withOutDir(Path dir) {
        return new TrainConfig(dir, model, assignment, knn, vaeSteps, steps, batch, lr, vaeLr, checkpointEvery, evalEvery,
                qualityEvery, heldOut, bpeMerges, sampleSteps, seed, vaeFrom, resume);
    }

    public TrainConfig withVaeFrom(Path dir) {
        return new TrainConfig(outDir, model, assignment, knn, vaeSteps, steps, batch, lr, vaeLr, checkpointEvery, evalEvery,
                qualityEvery, heldOut, bpeMerges, sampleSteps, seed, dir, resume);
    }

    public TrainConfig withResume(boolean r) {
        return new TrainConfig(outDir, model, assignment, knn, vaeSteps, steps, batch, lr, vaeLr, checkpointEvery, evalEvery,
                qualityEvery, heldOut, bpeMerges, sampleSteps, seed, vaeFrom, r);
    }

    public TrainConfig withSteps(int vae, int unet) {
        return new TrainConfig(outDir, model, assignment, knn, vae, unet, batch, lr, vaeLr, checkpointEvery, evalEvery,
                qualityEvery, heldOut, bpeMerges, sampleSteps, seed, vaeFrom, resume);
    }
}
