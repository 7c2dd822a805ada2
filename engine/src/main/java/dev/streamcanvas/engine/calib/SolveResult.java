package dev.streamcanvas.engine.calib;

import java.util.List;

/**
 * The outcome of {@link Calibrator#solve}.
 *
 * @param initial          the starting extrinsic
 * @param initialDeltaMs   the starting time offset
 * @param estimate         the estimated extrinsic
 * @param deltaMs          the estimated time offset t_lidar - t_camera (ms)
 * @param deltaStatus      whether the time offset is determined by the data
 * @param deltaSpreadMs    how far delta can move (ms) while the loss, with the other parameters re-fitted, rises by
 *                         1 % of its value (quadratic fit of the profile; large = poorly determined); NaN if not estimated
 * @param lossBefore       loss at the start (final-stage settings, all frames)
 * @param lossAfter        loss at the estimate (same settings)
 * @param seconds          wall time of the solve
 * @param evaluations      loss evaluations
 * @param stoppedFrames    names of the frames classed as stopped
 * @param stages           one line per stage (what it fitted and the loss it reached)
 * @param truth            ground truth when known, else null
 */
public record SolveResult(Extrinsic initial, double initialDeltaMs, Extrinsic estimate, double deltaMs,
        DeltaStatus deltaStatus, double deltaSpreadMs, double lossBefore, double lossAfter, double seconds,
        long evaluations, List<String> stoppedFrames, List<String> stages, GroundTruth truth) {

    /** How well the data determine the time offset. */
    public enum DeltaStatus {
        /** the loss rises clearly when delta moves, even with the other parameters re-fitted */
        DETERMINED,
        /** delta trades against the other parameters (e.g. one constant speed): the value is not to be trusted */
        POORLY_DETERMINED,
        /** delta was held fixed (not estimated) */
        FIXED,
        /** no moving frame: delta has no effect on the loss */
        NO_MOTION
    }

    public SolveResult {
        stoppedFrames = List.copyOf(stoppedFrames);
        stages = List.copyOf(stages);
    }

    /** Rotation error of the estimate against the truth (degrees), NaN without truth. */
    public double rotationErrorDeg() {
        return truth == null ? Double.NaN : truth.extrinsic().rotationErrorDeg(estimate);
    }

    /** Translation error of the estimate (cm), NaN without truth. */
    public double translationErrorCm() {
        return truth == null ? Double.NaN : 100 * truth.extrinsic().translationError(estimate);
    }

    /** Time-offset error (ms), NaN without truth. */
    public double deltaErrorMs() {
        return truth == null ? Double.NaN : Math.abs(deltaMs - truth.timeOffsetMs());
    }

    /** Translation error (cm) per camera axis (x right, y down, z optical axis), estimate minus truth; null without truth. */
    public double[] translationErrorCmXyz() {
        if (truth == null) {
            return null;
        }
        double[] a = estimate.t();
        double[] b = truth.extrinsic().t();
        return new double[] {100 * (a[0] - b[0]), 100 * (a[1] - b[1]), 100 * (a[2] - b[2])};
    }

    /** Initial errors (rotation deg, translation cm, delta ms) against the truth, NaN without truth. */
    public double[] initialErrors() {
        if (truth == null) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        return new double[] {truth.extrinsic().rotationErrorDeg(initial), 100 * truth.extrinsic().translationError(initial),
            Math.abs(initialDeltaMs - truth.timeOffsetMs())};
    }
}
