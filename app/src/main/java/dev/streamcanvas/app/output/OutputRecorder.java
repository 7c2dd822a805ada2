package dev.streamcanvas.app.output;

import dev.streamcanvas.app.frame.Frame;
import java.nio.file.Path;

/** Records output frames on its own thread; {@link #offer} never blocks (frames are dropped and counted instead). */
public interface OutputRecorder extends AutoCloseable {
    /** Offers a frame (any thread; copied). */
    void offer(Frame frame);

    long written();

    long dropped();

    /** The folder or file written to. */
    Path target();

    /** Finishes writing and releases the thread (and process); waits a few seconds at most. */
    @Override
    void close();
}
