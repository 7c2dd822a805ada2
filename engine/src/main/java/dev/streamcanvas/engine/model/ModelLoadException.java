package dev.streamcanvas.engine.model;

/**
 * A model file or folder could not be loaded. The message is meant for the user: it names the file and,
 * for contract violations, the expected versus found signature.
 */
public class ModelLoadException extends Exception {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
