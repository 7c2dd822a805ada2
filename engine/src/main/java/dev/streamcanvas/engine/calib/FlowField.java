package dev.streamcanvas.engine.calib;

/**
 * Image-plane velocity of every pixel, in pixels per second: {@code uv[2 * (y * width + x)]} is du/dt and the
 * next entry dv/dt. Computed from optical flow between consecutive frames (flow / frame interval) or, for the
 * synthetic benchmark, from the known motion.
 */
public record FlowField(int width, int height, float[] uv) {
    public FlowField {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("flow size must be positive, got " + width + "x" + height);
        }
        if (uv == null || uv.length != 2 * width * height) {
            throw new IllegalArgumentException("flow " + width + "x" + height + " needs " + 2 * width * height
                    + " values (u, v per pixel), got " + (uv == null ? "none" : uv.length));
        }
        for (int i = 0; i < uv.length; i++) {
            if (!Float.isFinite(uv[i])) {
                throw new IllegalArgumentException("flow value " + i + " (pixel " + (i / 2 % width) + ","
                        + (i / 2 / width) + ") is not finite: " + uv[i]);
            }
        }
    }

    /** A flow field of zeros (a stopped vehicle in a static scene). */
    public static FlowField zeros(int width, int height) {
        return new FlowField(width, height, new float[2 * width * height]);
    }
}
