package dev.streamcanvas.app.frame;

/**
 * A single-slot "latest wins" hand-over between one producer thread and one consumer thread, built as a
 * triple buffer so that nothing is allocated per frame: the producer copies into the back buffer, which
 * becomes the published one; the consumer takes the newest published frame and owns it until its next
 * {@link #takeLatest()}. A frame replaced before anyone took it counts as dropped.
 */
public final class FrameSlot {
    private Frame back = new Frame(1, 1);
    private Frame middle = new Frame(1, 1);
    private Frame front = new Frame(1, 1);
    private boolean fresh;
    private long published;
    private long dropped;

    /** Copies {@code frame} in as the newest frame; never blocks for longer than the copy. */
    public synchronized void publish(Frame frame) {
        back.copyFrom(frame);
        Frame t = middle;
        middle = back;
        back = t;
        if (fresh) {
            dropped++;
        }
        fresh = true;
        published++;
    }

    /** Copies raw pixels in as the newest frame. */
    public synchronized void publish(int[] argb, int width, int height, long captureNanos, long sequence) {
        back.resize(width, height);
        System.arraycopy(argb, 0, back.argb(), 0, width * height);
        back.setCaptureNanos(captureNanos);
        back.setSequence(sequence);
        Frame t = middle;
        middle = back;
        back = t;
        if (fresh) {
            dropped++;
        }
        fresh = true;
        published++;
    }

    /**
     * The newest frame not yet taken, or {@code null}. The returned frame belongs to the caller until it
     * calls this method again.
     */
    public synchronized Frame takeLatest() {
        if (!fresh) {
            return null;
        }
        Frame t = front;
        front = middle;
        middle = t;
        fresh = false;
        return front;
    }

    public synchronized boolean hasFresh() {
        return fresh;
    }

    public synchronized long published() {
        return published;
    }

    /** Frames replaced before the consumer took them. */
    public synchronized long dropped() {
        return dropped;
    }
}
