package dev.streamcanvas.engine.model;

/** Accumulates the time spent inside ONNX Runtime runs (engine thread only; read by the same thread). */
public final class RunClock {
    private long nanos;

    void add(long start) {
        nanos += System.nanoTime() - start;
    }

    /** Total nanoseconds inside runs so far. */
    public long nanos() {
        return nanos;
    }
}
