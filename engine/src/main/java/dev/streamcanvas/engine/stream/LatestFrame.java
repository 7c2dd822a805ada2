package dev.streamcanvas.engine.stream;

/**
 * A single-slot "latest wins" exchange between one producer and one consumer thread, triple-buffered so neither
 * side allocates or waits for the other: the producer copies into its back buffer and swaps it with the ready
 * one; the consumer swaps the ready buffer with its front buffer. A frame replaced before it was taken counts as
 * dropped.
 */
public final class LatestFrame {
    private FrameBuffer back = new FrameBuffer();
    private FrameBuffer ready = new FrameBuffer();
    private FrameBuffer front = new FrameBuffer();
    private boolean fresh;
    private long dropped;
    private long published;
    private final Object signal;

    /** @param signal monitor notified on every publish (may be shared with other wake-up sources) */
    public LatestFrame(Object signal) {
        this.signal = signal;
    }

    public LatestFrame() {
        this(new Object());
    }

    /** Producer side: publishes a copy of {@code argb} (w x h); {@code argb} null means an empty frame. */
    public void publish(int[] argb, int w, int h, long sequence, boolean empty) {
        back.set(argb, w, h, sequence, System.nanoTime(), empty);
        synchronized (signal) {
            FrameBuffer t = ready;
            ready = back;
            back = t;
            if (fresh) {
                dropped++;
            }
            fresh = true;
            published++;
            signal.notifyAll();
        }
    }

    /**
     * Consumer side: the newest frame if one arrived since the last take, else null. The returned buffer stays
     * valid until the consumer's next take.
     */
    public FrameBuffer take() {
        synchronized (signal) {
            if (!fresh) {
                return null;
            }
            FrameBuffer t = front;
            front = ready;
            ready = t;
            fresh = false;
            return front;
        }
    }

    public boolean hasFresh() {
        synchronized (signal) {
            return fresh;
        }
    }

    public long dropped() {
        synchronized (signal) {
            return dropped;
        }
    }

    public long published() {
        synchronized (signal) {
            return published;
        }
    }
}
