package dev.streamcanvas.engine.calib;

/**
 * A per-pixel class image: {@code ids[y * width + x]} is the class id (0-255, unsigned byte) of pixel (x, y).
 * Class 0 means unlabelled (sky, void) and is never used by the loss. Ids follow SemanticKITTI where they fit
 * in a byte (10 car, 40 road, 48 sidewalk, 50 building, 80 pole).
 */
public record ClassMask(int width, int height, byte[] ids) {
    public ClassMask {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("mask size must be positive, got " + width + "x" + height);
        }
        if (ids == null || ids.length != width * height) {
            throw new IllegalArgumentException("mask " + width + "x" + height + " needs " + width * height
                    + " ids, got " + (ids == null ? "none" : ids.length));
        }
    }

    /** The class id at (x, y). */
    public int at(int x, int y) {
        return ids[y * width + x] & 0xff;
    }

    /** How many pixels have class {@code c}. */
    public int count(int c) {
        int n = 0;
        for (byte b : ids) {
            if ((b & 0xff) == c) {
                n++;
            }
        }
        return n;
    }
}
