package dev.streamcanvas.app.source;

/** Told, on the capture thread, when a source stops for a reason other than {@link FrameSource#stop()}. */
@FunctionalInterface
public interface SourceListener {
    /** {@code message} is one sentence for the user; {@code cause} may be null. */
    void failed(FrameSource source, String message, Throwable cause);
}
