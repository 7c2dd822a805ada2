package dev.streamcanvas.engine.calib;

/**
 * One time step: the camera's class mask and pixel velocities, the LIDAR points with classes, and
 * optionally the camera image (RGB, 3 bytes per pixel, for overlays only; may be null).
 */
public record CalibFrame(String name, ClassMask mask, FlowField flow, PointCloud cloud, byte[] rgb) {
    public CalibFrame {
        if (mask.width() != flow.width() || mask.height() != flow.height()) {
            throw new IllegalArgumentException("frame " + name + ": flow is " + flow.width() + "x" + flow.height()
                    + " but the mask is " + mask.width() + "x" + mask.height());
        }
        if (rgb != null && rgb.length != 3 * mask.width() * mask.height()) {
            throw new IllegalArgumentException("frame " + name + ": image has " + rgb.length + " bytes, expected "
                    + 3 * mask.width() * mask.height() + " for " + mask.width() + "x" + mask.height() + " RGB");
        }
    }
}
