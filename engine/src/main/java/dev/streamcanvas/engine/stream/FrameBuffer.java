package dev.streamcanvas.engine.stream;

/**
 * A reusable ARGB frame: {@code pixels[y * width + x]}, 0xAARRGGBB. The array is reallocated only when a larger
 * frame arrives, so a stream of same-size frames allocates nothing. Owned by whoever holds it (see
 * {@link LatestFrame}); not thread-safe by itself.
 */
public final class FrameBuffer {
    private int[] pixels = new int[0];
    private int width;
    private int height;
    private long sequence;
    private long timestampNanos;
    private boolean empty;

    /** Pixels; only the first {@code width * height} entries are meaningful. */
    public int[] pixels() {
        return pixels;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Running number given by the producer. */
    public long sequence() {
        return sequence;
    }

    /** {@link System#nanoTime()} when the frame was produced. */
    public long timestampNanos() {
        return timestampNanos;
    }

    /** True for a "no input" frame (text-to-image). */
    public boolean isEmpty() {
        return empty;
    }

    void set(int[] src, int w, int h, long seq, long nanos, boolean isEmpty) {
        int n = w * h;
        if (pixels.length < n) {
            pixels = new int[n];
        }
        if (src != null) {
            System.arraycopy(src, 0, pixels, 0, n);
        }
        width = w;
        height = h;
        sequence = seq;
        timestampNanos = nanos;
        empty = isEmpty;
    }
}
