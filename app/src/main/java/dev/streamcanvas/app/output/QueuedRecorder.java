package dev.streamcanvas.app.output;

import dev.streamcanvas.app.frame.Frame;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared part of the recorders: frames are copied into a small pool of buffers and written on a daemon
 * writer thread; when the writer falls behind, frames are dropped (and counted) rather than blocking the
 * caller. A subclass writes one frame ({@link #write}), reports a write failure ({@link #failed}) and may
 * finish up on the writer thread ({@link #finish}). It calls {@link #startWriter()} at the end of its
 * constructor, once its own fields are set.
 */
abstract class QueuedRecorder implements OutputRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(QueuedRecorder.class);
    private static final int POOL = 8;

    private final Deque<Frame> free = new ArrayDeque<>();
    private final BlockingQueue<Frame> queue = new ArrayBlockingQueue<>(POOL);
    private final Thread writer;
    private final long closeWaitMillis;
    private volatile boolean open = true;
    private volatile long written;
    private volatile long dropped;

    QueuedRecorder(String threadName, long closeWaitMillis) {
        this.closeWaitMillis = closeWaitMillis;
        for (int i = 0; i < POOL; i++) {
            free.add(new Frame(1, 1));
        }
        writer = new Thread(this::drain, threadName);
        writer.setDaemon(true);
    }

    /** Starts the writer thread; called once, at the end of the subclass constructor. */
    final void startWriter() {
        writer.start();
    }

    /** Writes one frame on the writer thread; {@code index} counts the frames written before it. */
    abstract void write(Frame f, long index) throws IOException;

    /** Reports a write failure (on the writer thread); recording has already stopped. */
    abstract void failed(IOException e);

    /** Runs on the writer thread after the last frame (or a failure); nothing by default. */
    void finish() {
    }

    /** Drops the frames still queued (from {@link #failed}, when they must not be written). */
    final void discardQueued() {
        queue.clear();
    }

    @Override
    public final void offer(Frame frame) {
        if (!open) {
            return;
        }
        Frame buf;
        synchronized (free) {
            buf = free.poll();
        }
        if (buf == null) {
            dropped++;
            return;
        }
        buf.copyFrom(frame);
        if (!queue.offer(buf)) {
            dropped++;
            recycle(buf);
        }
    }

    private void recycle(Frame f) {
        synchronized (free) {
            free.add(f);
        }
    }

    private void drain() {
        try {
            while (open || !queue.isEmpty()) {
                Frame f = queue.poll(100, TimeUnit.MILLISECONDS);
                if (f == null) {
                    continue;
                }
                try {
                    write(f, written);
                    written++;
                } catch (IOException e) {
                    open = false;
                    failed(e);
                } finally {
                    recycle(f);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finish();
        }
    }

    @Override
    public final long written() {
        return written;
    }

    @Override
    public final long dropped() {
        return dropped;
    }

    /** Stops accepting frames, writes the queued ones, and ends the writer thread (waits a bounded time). */
    @Override
    public final void close() {
        open = false;
        try {
            writer.join(closeWaitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("recorded {} frames to {} ({} dropped)", written, target(), dropped);
    }
}
