package dev.streamcanvas.app.output;

import dev.streamcanvas.app.frame.Frame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records output frames to {@code frame-000001.png, ...} in a folder, on its own writer thread. Frames are
 * copied into a small pool of buffers; when the writer falls behind, frames are dropped (and counted)
 * rather than blocking the engine thread.
 */
public final class PngSequenceRecorder implements OutputRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(PngSequenceRecorder.class);
    private static final int POOL = 8;

    private final Path folder;
    private final Deque<Frame> free = new ArrayDeque<>();
    private final BlockingQueue<Frame> queue = new ArrayBlockingQueue<>(POOL);
    private final Thread writer;
    private final Consumer<String> onError;
    private volatile boolean open = true;
    private volatile long written;
    private volatile long dropped;

    public PngSequenceRecorder(Path folder, Consumer<String> onError) throws IOException {
        this.folder = Files.createDirectories(folder);
        this.onError = onError;
        for (int i = 0; i < POOL; i++) {
            free.add(new Frame(1, 1));
        }
        writer = new Thread(this::drain, "sc-recorder");
        writer.setDaemon(true);
        writer.start();
    }

    public Path folder() {
        return folder;
    }

    @Override
    public Path target() {
        return folder;
    }

    @Override
    public void offer(Frame frame) {
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
            synchronized (free) {
                free.add(buf);
            }
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
                    PngWriter.write(f, folder.resolve(String.format("frame-%06d.png", written + 1)), null, null);
                    written++;
                } catch (IOException e) {
                    open = false;
                    LOG.warn("recording to {} stopped: {}", folder, e.toString());
                    onError.accept("Recording stopped: could not write to " + folder + " (" + e.getMessage() + ").");
                } finally {
                    synchronized (free) {
                        free.add(f);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public long written() {
        return written;
    }

    @Override
    public long dropped() {
        return dropped;
    }

    /** Stops accepting frames, writes the queued ones, and ends the writer thread (waits up to 5 s). */
    @Override
    public void close() {
        open = false;
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("recorded {} frames to {} ({} dropped)", written, folder, dropped);
    }
}
