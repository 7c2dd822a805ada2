package dev.streamcanvas.app.frame;

/** Events per second over a sliding window of the last {@code capacity} events. Thread-safe. */
public final class RateMeter {
    private final long[] times;
    private int next;
    private int count;

    public RateMeter(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("capacity must be at least 2, got " + capacity);
        }
        times = new long[capacity];
    }

    public synchronized void tick(long nanos) {
        times[next] = nanos;
        next = (next + 1) % times.length;
        if (count < times.length) {
            count++;
        }
    }

    /** Rate in events/s as of {@code nowNanos}; 0 when fewer than two events or the last one is over 2 s old. */
    public synchronized double perSecond(long nowNanos) {
        if (count < 2) {
            return 0;
        }
        long newest = times[(next - 1 + times.length) % times.length];
        long oldest = times[(next - count + times.length) % times.length];
        if (nowNanos - newest > 2_000_000_000L || newest == oldest) {
            return 0;
        }
        return (count - 1) * 1e9 / (newest - oldest);
    }

    public synchronized void reset() {
        count = 0;
        next = 0;
    }
}
