package dev.streamcanvas.engine.onnx;

import java.nio.file.Path;

/**
 * A file is not a well-formed, safe ONNX model. The message is one sentence for the user that starts with
 * the file name; no protobuf stack trace is meant to reach them (the parser's exception is only the cause).
 */
public class OnnxFormatException extends Exception {
    private final transient Path file;

    public OnnxFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public OnnxFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The offending file (the model, or the external data file it refers to). */
    public Path file() {
        return file;
    }
}
