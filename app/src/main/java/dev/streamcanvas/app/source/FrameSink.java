package dev.streamcanvas.app.source;

/** Receives captured frames on the capture thread; must copy what it keeps and return quickly. */
@FunctionalInterface
public interface FrameSink {
    void accept(int[] argb, int width, int height, long captureNanos);
}
