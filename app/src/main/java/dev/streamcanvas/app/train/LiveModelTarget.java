package dev.streamcanvas.app.train;

import java.nio.file.Path;
import java.util.concurrent.CompletionStage;

/** Where "Use this model live" sends an exported model folder (the live app's model loading). */
@FunctionalInterface
public interface LiveModelTarget {
    /** Starts loading {@code folder} as the live model; completes (or fails with a message) when it is in use. */
    CompletionStage<?> loadModelFolder(Path folder);
}
