package dev.streamcanvas.app.output;

import dev.streamcanvas.app.frame.Frame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records output frames to {@code frame-000001.png, ...} in a folder, on its own writer thread. Frames are
 * copied into a small pool of buffers; when the writer falls behind, frames are dropped (and counted)
 * rather than blocking the engine thread.
 */
public final class PngSequenceRecorder extends QueuedRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(PngSequenceRecorder.class);

    private final Path folder;
    private final Consumer<String> onError;

    public PngSequenceRecorder(Path folder, Consumer<String> onError) throws IOException {
        super("sc-recorder", 5000);
        this.folder = Files.createDirectories(folder);
        this.onError = onError;
        startWriter();
    }

    public Path folder() {
        return folder;
    }

    @Override
    public Path target() {
        return folder;
    }

    @Override
    void write(Frame f, long index) throws IOException {
        PngWriter.write(f, folder.resolve(String.format("frame-%06d.png", index + 1)), null, null);
    }

    @Override
    void failed(IOException e) {
        LOG.warn("recording to {} stopped: {}", folder, e.toString());
        onError.accept("Recording stopped: could not write to " + folder + " (" + e.getMessage() + ").");
    }
}
