package dev.streamcanvas.app.frame;

import dev.streamcanvas.engine.stream.FrameBuffer;

/**
 * One picture on the live path: opaque ARGB pixels, row-major, {@code argb.length >= width * height}.
 * Frames are reusable buffers owned by whoever handed them out (a source, a slot view, see
 * {@link #share(FrameBuffer)}); a
 * receiver that needs the pixels later copies them.
 */
public final class Frame {
    private int[] argb; // [height * width], 0xAARRGGBB with alpha 0xFF
    private int width;
    private int height;
    /** When the picture was captured (System.nanoTime), carried through the engine for latency. */
    private long captureNanos;
    private long sequence;

    public Frame(int width, int height) {
        this.argb = new int[checkedArea(width, height)];
        this.width = width;
        this.height = height;
    }

    private static int checkedArea(int width, int height) {
        if (width <= 0 || height <= 0 || (long) width * height > 64L * 1024 * 1024) {
            throw new IllegalArgumentException("frame size must be positive and at most 64 Mpx, got " + width + "x" + height);
        }
        return width * height;
    }

    /** Wraps an existing array (no copy); the frame now shares it. */
    public static Frame wrap(int[] argb, int width, int height) {
        Frame f = new Frame(1, 1);
        if (argb.length < checkedArea(width, height)) {
            throw new IllegalArgumentException("pixel array holds " + argb.length + " values, " + width + "x" + height + " needs " + width * height);
        }
        f.argb = argb;
        f.width = width;
        f.height = height;
        return f;
    }

    /**
     * Makes this frame a view of {@code buffer} (one taken from an engine {@code LatestFrame}): it shares the
     * pixel array (no copy), takes the size, the time stamp as capture time and the sequence. The view is valid
     * as long as the buffer is, i.e. until the slot's next take; the holder only reads it.
     */
    public Frame share(FrameBuffer buffer) {
        if (buffer.pixels().length < checkedArea(buffer.width(), buffer.height())) {
            throw new IllegalArgumentException("frame buffer holds " + buffer.pixels().length + " values, "
                    + buffer.width() + "x" + buffer.height() + " needs " + buffer.width() * buffer.height());
        }
        argb = buffer.pixels();
        width = buffer.width();
        height = buffer.height();
        captureNanos = buffer.timestampNanos();
        sequence = buffer.sequence();
        return this;
    }

    public int[] argb() {
        return argb;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public long captureNanos() {
        return captureNanos;
    }

    public long sequence() {
        return sequence;
    }

    public void setCaptureNanos(long captureNanos) {
        this.captureNanos = captureNanos;
    }

    public void setSequence(long sequence) {
        this.sequence = sequence;
    }

    /** Makes this frame {@code width x height}, reusing the array when it is large enough. */
    public void resize(int width, int height) {
        int area = checkedArea(width, height);
        if (argb.length < area) {
            argb = new int[area];
        }
        this.width = width;
        this.height = height;
    }

    /** Copies pixels, size and timing of {@code src} into this frame (allocates only when it grew). */
    public void copyFrom(Frame src) {
        resize(src.width, src.height);
        System.arraycopy(src.argb, 0, argb, 0, src.width * src.height);
        captureNanos = src.captureNanos;
        sequence = src.sequence;
    }

    /** A new frame with a copy of the pixels (for work that outlives the frame path, e.g. saving). */
    public Frame copy() {
        Frame f = new Frame(width, height);
        f.copyFrom(this);
        return f;
    }
}
