package dev.streamcanvas.engine.model;

import ai.onnxruntime.OrtException;
import dev.streamcanvas.engine.onnx.TensorInfo;
import java.util.List;

/**
 * The VAE decoder graph: {@code latent_sample [B,C,h,w]} (unscaled) -> {@code sample [B,3,H,W]} about [-1, 1].
 * Not thread-safe.
 */
public final class VaeDecoder implements AutoCloseable {
    static final String ROLE = "vae decoder";

    private final OnnxGraph graph;
    private final TensorInfo in;
    private final TensorInfo out;
    private final SlotPairRunner runner;

    public VaeDecoder(OnnxGraph graph, GraphRunner clock) throws ModelLoadException {
        this.graph = graph;
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
        runner = new SlotPairRunner(graph, clock, in, out);
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
            TensorSlot result = runner.run(latent, frames, channels, h, w, 3, height, width);
            result.getFloats(0, image, 0, frames * 3 * height * width);
        } catch (OrtException e) {
            throw new IllegalStateException(graph.file() + ": vae decoder run failed for " + frames + "x" + channels
                    + "x" + h + "x" + w + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        runner.close();
        graph.close();
    }
}
