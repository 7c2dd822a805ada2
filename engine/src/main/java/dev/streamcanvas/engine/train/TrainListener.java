package dev.streamcanvas.engine.train;

import java.nio.file.Path;

/**
 * Progress of a {@link Trainer}, called on the training thread (an app moves it to its UI thread).
 * Every method has an empty default. A listener that throws aborts the run (the last checkpoint remains).
 */
public interface TrainListener {
    /** Which part of the run is going. */
    enum Stage { VAE, LATENTS, UNET, DISTILL, DONE }

    default void onStage(Stage stage, int totalSteps) {
    }

    /**
     * One optimiser step finished.
     *
     * @param step           1-based step within the stage
     * @param loss           this step's training loss (VAE: reconstruction MSE + KL term; UNet: epsilon MSE)
     * @param assignMs       time spent on the noise assignment for this batch (0 for vanilla)
     * @param stepsPerSecond smoothed speed
     */
    default void onStep(Stage stage, int step, int totalSteps, double loss, double assignMs, double stepsPerSecond) {
    }

    /** Held-out loss with fresh, unassigned noise at fixed timesteps (comparable across runs). */
    default void onHeldOutLoss(int step, double loss) {
    }

    /**
     * Sample quality: Fréchet distance between VAE-encoder features of generated and held-out images, with the
     * generated samples (each [3, S, S] in about [-1, 1], and as opaque ARGB).
     */
    default void onQuality(int step, double frechetDistance, float[][] samples, int[][] samplesArgb, int size) {
    }

    default void onCheckpoint(int step, Path file) {
    }

    /**
     * A requested pause took effect: the run halted before the next step ({@code stepsDone} steps of {@code stage}
     * are finished) and waits for {@link Trainer#resume()} or {@link Trainer#cancel()}.
     */
    default void onPaused(Stage stage, int stepsDone) {
    }

    /** The run goes on after {@link #onPaused} (not called when it was cancelled while paused). */
    default void onResumed(Stage stage, int stepsDone) {
    }
}
