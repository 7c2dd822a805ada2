package dev.streamcanvas.engine.model;

/** Accumulates the time spent inside ONNX Runtime runs (engine thread only; read by the same thread). */
public final class RunClock {
    private long nanos;

    void add(long start) {
        nanos += System.nanoTime() - start;
    }

    /** Runs {@code session} writing into the pinned (pre-allocated) outputs, and counts the time. */
    void run(ai.onnxruntime.OrtSession session, java.util.Map<String, ai.onnxruntime.OnnxTensor> feeds,
            java.util.Map<String, ai.onnxruntime.OnnxTensor> pinned) throws ai.onnxruntime.OrtException {
        long t0 = System.nanoTime();
        ai.onnxruntime.OrtSession.Result result = session.run(feeds, pinned);
        add(t0);
        result.close(); // pinned outputs stay owned by their slots
    }

    /** Total nanoseconds inside runs so far. */
    public long nanos() {
        return nanos;
    }
}
