package dev.streamcanvas.engine.stream;

import dev.streamcanvas.engine.schedule.NoiseSchedule;

/**
 * A loaded model as the engine uses it: the three networks plus the schedule. Owns its native resources; the
 * engine closes it when it is replaced or when the engine closes.
 */
public interface StreamModel extends AutoCloseable {
    /** A short name for logs and the UI (usually the folder name). */
    String name();

    NoiseSchedule schedule();

    PromptEncoder prompts();

    Denoiser denoiser();

    LatentCodec codec();

    /** {width, height} when the model only runs at one image size (fixed VAE shapes), else null. */
    default int[] fixedSize() {
        return null;
    }

    /** Cumulative nanoseconds spent inside ONNX Runtime runs (0 for pure-Java models). */
    default long runtimeNanos() {
        return 0;
    }

    /** A line about the execution provider in use (e.g. "CUDA requested, CPU active: ..."). */
    default String runtimeStatus() {
        return "";
    }

    @Override
    void close();
}
