package dev.streamcanvas.app.live;

import dev.streamcanvas.app.frame.Frame;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The app's port to whatever turns input frames into output frames: the stream engine, or the preview
 * filter when no model can run. Implementations own one worker thread; every method here returns at once.
 */
public interface GenerationService extends AutoCloseable {

    /** Receives each output frame on the service thread; the frame is valid only during the call. */
    @FunctionalInterface
    interface OutputListener {
        void onOutput(Frame output);
    }

    /** Starts the worker thread. */
    void start();

    /** Hands in the newest input (copied; an older one not yet taken is dropped). */
    void submit(int[] argb, int width, int height, long captureNanos);

    void setOutputListener(OutputListener listener);

    /** Receives one-sentence problems from the service thread (a frame or a setting failed); default: none. */
    default void setProblemListener(java.util.function.Consumer<String> listener) {
    }

    /** Applied between frames on the service thread, without restarting the stream. */
    void applySettings(GenerationSettings settings);

    /**
     * Loads a model folder on {@code device} in the background. On success the new model replaces the old
     * one between frames; on failure the future fails with a message naming the file and the problem, and
     * the current model keeps running.
     */
    CompletableFuture<ModelInfo> loadModel(Path folder, DeviceChoice device);

    ModelInfo model();

    /** The devices this build can run on. */
    List<DeviceChoice> devices();

    ServiceMetrics metrics();

    /** Stops the worker and releases every native resource; idempotent. */
    @Override
    void close();
}
