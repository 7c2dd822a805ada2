package dev.streamcanvas.engine.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the graphs of one model (ONNX Runtime sessions with reused or fresh tensors) and accumulates the time spent
 * inside ONNX Runtime (engine thread only).
 *
 * <p>Normally inputs are the components' reused direct buffers and outputs are pinned (ORT writes straight into
 * pre-allocated buffers). {@link #setFreshTensors(boolean)} switches to the naive way, for the {@code bench}
 * command to show what the reuse buys: a new direct input tensor per input and ORT-allocated outputs copied out,
 * on every call.
 */
public final class GraphRunner {
    private long nanos;
    private volatile boolean freshTensors;

    /** Benchmark switch: allocate tensors per call instead of reusing them (see the class comment). */
    public void setFreshTensors(boolean fresh) {
        freshTensors = fresh;
    }

    void add(long start) {
        nanos += System.nanoTime() - start;
    }

    /** Total nanoseconds inside runs so far. */
    public long nanos() {
        return nanos;
    }

    /** Runs {@code session} writing into the pinned (pre-allocated) outputs, and counts the time. */
    void run(OrtSession session, Map<String, OnnxTensor> feeds, Map<String, OnnxTensor> pinned) throws OrtException {
        if (freshTensors) {
            runFresh(session, feeds, pinned);
            return;
        }
        long t0 = System.nanoTime();
        OrtSession.Result result = session.run(feeds, pinned);
        add(t0);
        result.close(); // pinned outputs stay owned by their slots
    }

    private void runFresh(OrtSession session, Map<String, OnnxTensor> feeds, Map<String, OnnxTensor> pinned)
            throws OrtException {
        Map<String, OnnxTensor> fresh = new HashMap<>();
        try {
            for (Map.Entry<String, OnnxTensor> e : feeds.entrySet()) {
                OnnxTensor t = e.getValue();
                ByteBuffer src = ((ByteBuffer) t.getBufferRef().orElseThrow()).duplicate();
                src.clear();
                ByteBuffer copy = ByteBuffer.allocateDirect(src.capacity()).order(ByteOrder.nativeOrder());
                copy.put(src).flip();
                fresh.put(e.getKey(), OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), copy,
                        t.getInfo().getShape(), t.getInfo().type));
            }
            long t0 = System.nanoTime();
            try (OrtSession.Result result = session.run(fresh, pinned.keySet())) {
                add(t0);
                for (Map.Entry<String, OnnxTensor> e : pinned.entrySet()) {
                    OnnxTensor out = (OnnxTensor) result.get(e.getKey()).orElseThrow();
                    ByteBuffer dst = ((ByteBuffer) e.getValue().getBufferRef().orElseThrow()).duplicate();
                    dst.clear();
                    dst.put(out.getByteBuffer());
                }
            }
        } finally {
            for (OnnxTensor t : fresh.values()) {
                t.close();
            }
        }
    }
}
