package dev.streamcanvas.engine.model;

import ai.onnxruntime.OrtException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The VAE decoder graph: {@code latent_sample [B,C,h,w]} (unscaled) -> {@code sample [B,3,H,W]} about [-1, 1].
 * Not thread-safe.
 */
public final class VaeDecoder implements AutoCloseable {
    static final String ROLE = "vae decoder";

    private final OnnxGraph graph;
    private final RunClock clock;
    private final TensorInfo in;
    private final TensorInfo out;
    private final Map<Integer, TensorSlot[]> slots = new HashMap<>();
    private final Map<String, ai.onnxruntime.OnnxTensor> feeds = new HashMap<>();
    private final Map<String, ai.onnxruntime.OnnxTensor> pinned = new HashMap<>();

    public VaeDecoder(OnnxGraph graph, RunClock clock) throws ModelLoadException {
        this.graph = graph;
        this.clock = clock;
        TensorInfo first = graph.inputs().size() == 1 ? graph.inputs().get(0) : null;
        if (graph.input("latent_sample").isEmpty() && first != null) {
            in = GraphCheck.check(graph, ROLE, "input", first, "latent_sample [batch, 4, h, w] float32|float16",
                    GraphCheck.FLOATS, 4);
        } else {
            in = GraphCheck.input(graph, ROLE, "latent_sample", "latent_sample [batch, 4, h, w] float32|float16",
                    GraphCheck.FLOATS, 4);
        }
        out = GraphCheck.output(graph, ROLE, List.of("sample"), "sample [batch, 3, H, W] float32|float16",
                GraphCheck.FLOATS, 4);
        GraphCheck.dim(graph, ROLE, out, 1, 3, "sample [batch, 3, H, W]");
    }

    public OnnxGraph graph() {
        return graph;
    }

    /** Latent channels, -1 when symbolic. */
    public long latentChannels() {
        return in.dim(1);
    }

    /** H / h when both are fixed, else 0 (unknown). */
    public int factor() {
        if (out.dim(2) > 0 && in.dim(2) > 0) {
            return (int) (out.dim(2) / in.dim(2));
        }
        return 0;
    }

    /**
     * @param latent [frames, C, h, w] unscaled latents
     * @param image  [frames, 3, H, W] receives the decoded image
     */
    public void decode(float[] latent, int frames, int channels, int height, int width, int factor, float[] image) {
        int h = height / factor;
        int w = width / factor;
        try {
            TensorSlot[] s = slots.get(frames);
            if (s == null) {
                s = new TensorSlot[] {new TensorSlot(graph.environment(), in.type()),
                    new TensorSlot(graph.environment(), out.type())};
                slots.put(frames, s);
            }
            feeds.put(in.name(), s[0].ensure(frames, channels, h, w));
            pinned.put(out.name(), s[1].ensure(frames, 3, height, width));
            s[0].putFloats(latent, 0, frames * channels * h * w);
            clock.run(graph.session(), feeds, pinned);
            s[1].getFloats(0, image, 0, frames * 3 * height * width);
        } catch (OrtException e) {
            throw new IllegalStateException(graph.file() + ": vae decoder run failed for " + frames + "x" + channels
                    + "x" + h + "x" + w + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (TensorSlot[] s : slots.values()) {
            s[0].close();
            s[1].close();
        }
        slots.clear();
        graph.close();
    }
}
