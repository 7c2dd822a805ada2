package dev.streamcanvas.engine.train;

/**
 * One row of a run's metrics history (and of its {@code metrics.csv}), taken every {@code evalEvery} UNet steps.
 *
 * @param step              UNet steps done when measured
 * @param heldOutLoss       epsilon MSE on the held-out latents with fresh, unassigned noise at fixed timesteps
 * @param frechetDistance   sample-quality distance on VAE-encoder features, NaN when not measured at this step
 * @param trainLoss         mean training loss since the previous row (NaN when no step ran)
 * @param assignMs          mean noise-assignment time per step since the previous row (0 for vanilla)
 * @param classifierFd      Fréchet distance on the emoji classifier's pooled features between generated samples
 *                          of the held-out captions and the held-out images; NaN when not measured (no classifier,
 *                          or not a quality step)
 * @param classifierFdStd   bootstrap standard deviation of {@code classifierFd} (generated set resampled); NaN when
 *                          not measured
 * @param distanceReduction mean change of the image-noise distance made by the assignment since the previous row,
 *                          in percent of the unassigned (as drawn) distance (negative: closer); NaN for vanilla
 */
public record Measurement(int step, double heldOutLoss, double frechetDistance, double trainLoss, double assignMs,
        double classifierFd, double classifierFdStd, double distanceReduction) {

    /** A row without the classifier metric or the distance reduction (as metrics files before them had). */
    public Measurement(int step, double heldOutLoss, double frechetDistance, double trainLoss, double assignMs) {
        this(step, heldOutLoss, frechetDistance, trainLoss, assignMs, Double.NaN, Double.NaN, Double.NaN);
    }

    /** Whether the (VAE-feature) sample quality was measured at this step. */
    public boolean hasQuality() {
        return !Double.isNaN(frechetDistance);
    }

    /** Whether the classifier-feature Fréchet distance was measured at this step. */
    public boolean hasClassifierQuality() {
        return !Double.isNaN(classifierFd);
    }
}
