package dev.streamcanvas.engine.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.streamcanvas.engine.onnx.TensorInfo;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs a graph with one float input and one pinned float output, keeping one pair of reusable tensor slots
 * per batch size so that the frame path allocates nothing after the first run of a size. Shared by the VAE
 * encoder and decoder. Not thread-safe; closing it closes the slots, not the graph.
 */
final class SlotPairRunner implements AutoCloseable {
    private final OnnxGraph graph;
    private final GraphRunner clock;
    private final TensorInfo in;
    private final TensorInfo out;
    private final Map<Integer, TensorSlot[]> slots = new HashMap<>();
    private final Map<String, OnnxTensor> feeds = new HashMap<>();
    private final Map<String, OnnxTensor> pinned = new HashMap<>();

    SlotPairRunner(OnnxGraph graph, GraphRunner clock, TensorInfo in, TensorInfo out) {
        this.graph = graph;
        this.clock = clock;
        this.in = in;
        this.out = out;
    }

    /**
     * Copies {@code input} ([frames, inC, inH, inW]) into the input slot, runs the graph into the output slot
     * ([frames, outC, outH, outW]) and returns that slot to read from.
     */
    TensorSlot run(float[] input, int frames, int inC, int inH, int inW, int outC, int outH, int outW)
            throws OrtException {
        TensorSlot[] s = slots.get(frames);
        if (s == null) {
            s = new TensorSlot[] {new TensorSlot(graph.environment(), in.type()),
                new TensorSlot(graph.environment(), out.type())};
            slots.put(frames, s);
        }
        feeds.put(in.name(), s[0].ensure(frames, inC, inH, inW));
        pinned.put(out.name(), s[1].ensure(frames, outC, outH, outW));
        s[0].putFloats(input, 0, frames * inC * inH * inW);
        clock.run(graph.session(), feeds, pinned);
        return s[1];
    }

    @Override
    public void close() {
        for (TensorSlot[] s : slots.values()) {
            s[0].close();
            s[1].close();
        }
        slots.clear();
    }
}
