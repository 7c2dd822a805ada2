package dev.streamcanvas.engine.train;

/**
 * One row of a run's metrics history (and of its {@code metrics.csv}), taken every {@code evalEvery} UNet steps.
 *
 * @param step            UNet steps done when measured
 * @param heldOutLoss     epsilon MSE on the held-out latents with fresh, unassigned noise at fixed timesteps
 * @param frechetDistance sample-quality distance, NaN when not measured at this step
 * @param trainLoss       mean training loss since the previous row (NaN when no step ran)
 * @param assignMs        mean noise-assignment time per step since the previous row (0 for vanilla)
 */
public record Measurement(int step, double heldOutLoss, double frechetDistance, double trainLoss, double assignMs) {
    /** Whether the sample quality was measured at this step. */
    public boolean hasQuality() {
        return !Double.isNaN(frechetDistance);
    }
}
