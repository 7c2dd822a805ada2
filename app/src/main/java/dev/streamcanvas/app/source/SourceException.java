package dev.streamcanvas.app.source;

/** An input could not be opened or stopped delivering; the message is meant for the user. */
public final class SourceException extends Exception {
    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
