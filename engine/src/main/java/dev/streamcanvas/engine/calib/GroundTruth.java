package dev.streamcanvas.engine.calib;

/** The true extrinsic and time offset of a synthetic sequence (t_lidar - t_camera, milliseconds). */
public record GroundTruth(Extrinsic extrinsic, double timeOffsetMs) {
}
