package dev.streamcanvas.app.source;

import dev.streamcanvas.app.frame.Frame;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of the sources: one capture thread that opens the input, then grabs a frame per tick and hands it
 * to the sink, and closes the input when stopped or failed. Subclasses implement open/grab/close.
 */
public abstract class PollingSource implements FrameSource {
    private static final Logger LOG = LoggerFactory.getLogger(PollingSource.class);

    private final Object lock = new Object();
    private volatile Thread thread;
    private volatile boolean running;
    private volatile int width;
    private volatile int height;
    private final Frame frame = new Frame(1, 1); // capture-thread buffer, reused

    /** Nanoseconds between grabs; 0 means grab() paces itself (e.g. blocks until the next frame). */
    protected abstract long nanosPerFrame();

    /** Opens the input (capture thread). */
    protected abstract void open() throws SourceException;

    /**
     * Fills {@code target} (already sized to the requested output) with the next picture; returns false
     * when there is no new picture this tick.
     */
    protected abstract boolean grab(Frame target) throws SourceException;

    /** Releases the input (capture thread; also after a failed open). */
    protected abstract void close();

    /** Unblocks a grab() that is waiting (called from stop() on another thread). */
    protected void interruptGrab() {
    }

    @Override
    public final void start(FrameSink sink, SourceListener listener, int width, int height) {
        synchronized (lock) {
            if (running) {
                throw new IllegalStateException(describe() + " is already running");
            }
            this.width = width;
            this.height = height;
            running = true;
            Thread t = new Thread(() -> loop(sink, listener), "sc-capture-" + kind().name().toLowerCase(java.util.Locale.ROOT));
            t.setDaemon(true);
            thread = t;
            t.start();
        }
    }

    private void loop(FrameSink sink, SourceListener listener) {
        try {
            open();
        } catch (SourceException | RuntimeException e) {
            running = false;
            safeClose();
            listener.failed(this, message(e), e);
            return;
        }
        LOG.info("{} started", describe());
        long next = System.nanoTime();
        try {
            while (running) {
                frame.resize(width, height);
                if (grab(frame)) {
                    long now = System.nanoTime();
                    sink.accept(frame.argb(), frame.width(), frame.height(), frame.captureNanos() != 0 ? frame.captureNanos() : now);
                    frame.setCaptureNanos(0);
                }
                long period = nanosPerFrame();
                if (period > 0) {
                    next += period;
                    long now = System.nanoTime();
                    if (next < now - period) {
                        next = now; // fell behind: do not burst
                    }
                    while (running && (now = System.nanoTime()) < next) {
                        LockSupport.parkNanos(this, next - now);
                        if (consumeWake()) {
                            break;
                        }
                    }
                }
            }
        } catch (SourceException | RuntimeException e) {
            if (running) {
                running = false;
                safeClose();
                listener.failed(this, message(e), e);
                return;
            }
        }
        safeClose();
        LOG.info("{} stopped", describe());
    }

    private static String message(Exception e) {
        return e instanceof SourceException || e.getMessage() == null ? String.valueOf(e.getMessage()) : e.getMessage();
    }

    private volatile boolean wakeRequested;

    /** Ends the current wait early (e.g. the canvas changed); the next grab happens now. */
    protected final void wake() {
        wakeRequested = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private boolean consumeWake() {
        if (wakeRequested) {
            wakeRequested = false;
            return true;
        }
        return false;
    }

    private void safeClose() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.warn("closing {} failed: {}", describe(), e.toString());
        }
    }

    @Override
    public void setSize(int width, int height) {
        this.width = width;
        this.height = height;
    }

    protected final int width() {
        return width;
    }

    protected final int height() {
        return height;
    }

    @Override
    public final void stop() {
        Thread t;
        synchronized (lock) {
            running = false;
            t = thread;
            thread = null;
        }
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        interruptGrab();
        LockSupport.unpark(t);
        try {
            t.join(2000);
            if (t.isAlive()) {
                LOG.warn("{} did not stop within 2 s; leaving its thread behind", describe());
                t.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
