package dev.streamcanvas.engine.stream;

/**
 * Stage timings of one processed input, in milliseconds. {@code runtimeMs} is the part of the frame spent inside
 * ONNX Runtime runs, so {@code totalMs - runtimeMs} is the Java overhead.
 *
 * @param sequence      the input frame's sequence number
 * @param queueWaitMs   from submit to the start of processing
 * @param skipped       true when the similarity filter skipped this input (only preprocess was spent)
 */
public record FrameTimings(long sequence, double queueWaitMs, double preprocessMs, double encodeMs, double unetMs,
        double decodeMs, double postprocessMs, double totalMs, double runtimeMs, boolean skipped) {

    /** Java-side share of the frame time, in percent (0 when nothing ran). */
    public double javaOverheadPercent() {
        return totalMs <= 0 ? 0 : 100.0 * Math.max(0, totalMs - runtimeMs) / totalMs;
    }
}
