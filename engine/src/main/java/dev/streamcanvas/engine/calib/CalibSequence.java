package dev.streamcanvas.engine.calib;

import java.util.List;

/**
 * A calibration data set: the camera, the initial extrinsic (from the calib file), the frames and, for
 * synthetic data, the ground truth (may be null). Every mask must match the camera's image size.
 */
public record CalibSequence(Intrinsics camera, Extrinsic initial, List<CalibFrame> frames, GroundTruth truth) {
    public CalibSequence {
        frames = List.copyOf(frames);
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("a calibration sequence needs at least one frame");
        }
        for (CalibFrame f : frames) {
            if (f.mask().width() != camera.width() || f.mask().height() != camera.height()) {
                throw new IllegalArgumentException("frame " + f.name() + ": mask is " + f.mask().width() + "x"
                        + f.mask().height() + " but the camera image is " + camera.width() + "x" + camera.height());
            }
        }
    }
}
