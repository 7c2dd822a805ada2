package dev.streamcanvas.app.source;

/**
 * One input of the live view. A source captures on its own thread (one job per thread), scales every
 * picture to the generation size ("cover": aspect kept, centre crop) and hands it to the sink. Start and
 * stop are called from a background task, never from the UI thread.
 */
public interface FrameSource {

    SourceKind kind();

    /** A short description for the status bar, e.g. "Webcam: USB Camera". */
    String describe();

    /**
     * Starts capturing frames of {@code width x height} into {@code sink}. Opening happens on the capture
     * thread; a failure there (or later) reaches {@code listener} and the source stops itself.
     */
    void start(FrameSink sink, SourceListener listener, int width, int height);

    /** Changes the size of the frames produced from now on. */
    void setSize(int width, int height);

    /** Stops capturing and releases the device/file/process; idempotent; waits at most about two seconds. */
    void stop();

    boolean isRunning();

    /** The device this source reads (a camera name), or null when it reads no device. */
    default String deviceName() {
        return null;
    }
}
