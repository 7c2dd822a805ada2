package dev.streamcanvas.engine.calib;

import java.util.Map;

/**
 * Settings of {@link Calibrator}.
 *
 * @param estimateTime      estimate the time offset (false: it stays at {@code initialDeltaMs}, the "delta ignored" control)
 * @param initialDeltaMs    starting time offset
 * @param maxDeltaMs        the time offset is searched within initialDeltaMs +- this
 * @param ringSpacingDeg    vertical angle between LIDAR rings (HDL-64E: about 0.42)
 * @param pointCapPx        cap of the point-to-mask distance in the final stages
 * @param maskCapPx         cap of the mask-to-point distance (after the ring-gap allowance) in the final stages
 * @param bandPx            mask pixels farther than this inside their class region are not sampled
 * @param sampleStride      mask sampling stride in the final stages (pixels)
 * @param stoppedFlowPxS    a frame whose median pixel speed is below this is "stopped"
 * @param labelMap          point label to mask id (e.g. SemanticKITTI moving-car 252 to car 10); unmapped labels pass
 * @param classes           class ids to use; null: every id present in both the masks and the point labels
 * @param limitRows         sample only mask rows the LIDAR covers (false only for the ablation study)
 */
public record SolveOptions(boolean estimateTime, double initialDeltaMs, double maxDeltaMs, double ringSpacingDeg,
        double pointCapPx, double maskCapPx, double bandPx, int sampleStride, double stoppedFlowPxS,
        Map<Integer, Integer> labelMap, int[] classes, boolean limitRows) {

    public SolveOptions {
        if (!Double.isFinite(initialDeltaMs) || !(maxDeltaMs > 0) || !(ringSpacingDeg > 0) || !(pointCapPx > 0)
                || !(maskCapPx > 0) || !(bandPx > 0) || sampleStride < 1 || !(stoppedFlowPxS >= 0)) {
            throw new IllegalArgumentException("bad solve options: " + initialDeltaMs + " " + maxDeltaMs + " "
                    + ringSpacingDeg + " " + pointCapPx + " " + maskCapPx + " " + bandPx + " " + sampleStride);
        }
        labelMap = labelMap == null ? Map.of() : Map.copyOf(labelMap);
        classes = classes == null ? null : classes.clone();
    }

    @Override
    public int[] classes() {
        return classes == null ? null : classes.clone();
    }

    /** SemanticKITTI's moving classes folded onto their static class (an image segmenter cannot tell them apart). */
    public static Map<Integer, Integer> semanticKittiMovingToStatic() {
        return Map.of(252, 10, 253, 31, 254, 30, 255, 32, 256, 16, 257, 13, 258, 18, 259, 20);
    }

    /** Defaults for KITTI-like data at full size (1242x375). */
    public static SolveOptions defaults() {
        return new SolveOptions(true, 0, 150, 0.42, 3, 3, 24, 3, 2.0, semanticKittiMovingToStatic(), null, true);
    }

    public SolveOptions withEstimateTime(boolean b) {
        return new SolveOptions(b, initialDeltaMs, maxDeltaMs, ringSpacingDeg, pointCapPx, maskCapPx, bandPx,
                sampleStride, stoppedFlowPxS, labelMap, classes, limitRows);
    }

    public SolveOptions withInitialDeltaMs(double ms) {
        return new SolveOptions(estimateTime, ms, maxDeltaMs, ringSpacingDeg, pointCapPx, maskCapPx, bandPx,
                sampleStride, stoppedFlowPxS, labelMap, classes, limitRows);
    }

    public SolveOptions withClasses(int[] ids) {
        return new SolveOptions(estimateTime, initialDeltaMs, maxDeltaMs, ringSpacingDeg, pointCapPx, maskCapPx, bandPx,
                sampleStride, stoppedFlowPxS, labelMap, ids, limitRows);
    }

    /** The ablation switches: the fine-stage point-to-mask cap, the LIDAR ring spacing (0+: no gap allowance), rows. */
    public SolveOptions withAblation(double pointCap, double ringSpacing, boolean rows) {
        return new SolveOptions(estimateTime, initialDeltaMs, maxDeltaMs, ringSpacing, pointCap, maskCapPx, bandPx,
                sampleStride, stoppedFlowPxS, labelMap, classes, rows);
    }

    /** For a camera scaled by s: pixel caps, band and stride scale with the image. */
    public SolveOptions scaledTo(double s) {
        return new SolveOptions(estimateTime, initialDeltaMs, maxDeltaMs, ringSpacingDeg, pointCapPx * s, maskCapPx * s,
                bandPx * s, Math.max(1, (int) Math.round(sampleStride * s)), stoppedFlowPxS * s, labelMap, classes,
                limitRows);
    }
}
