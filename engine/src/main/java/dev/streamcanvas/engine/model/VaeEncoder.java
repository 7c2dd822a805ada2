package dev.streamcanvas.engine.model;

import ai.onnxruntime.OrtException;
import dev.streamcanvas.engine.onnx.TensorInfo;
import java.util.List;

/**
 * The VAE encoder graph: {@code sample [B,3,H,W]} in [-1, 1] -> {@code latent_sample [B,4,h,w]} or
 * {@code latent_parameters [B,8,h,w]} (mean in channels 0..3, log-variance in 4..7; img2img uses the mean).
 * Returns unscaled latents (the mean); the codec applies the scaling factor. Not thread-safe.
 */
public final class VaeEncoder implements AutoCloseable {
    static final String ROLE = "vae encoder";

    private final OnnxGraph graph;
    private final TensorInfo in;
    private final TensorInfo out;
    private final int latentChannels;
    private final boolean parameters;
    private final SlotPairRunner runner;

    public VaeEncoder(OnnxGraph graph, GraphRunner clock) throws ModelLoadException {
        this.graph = graph;
        if (graph.input("sample").isEmpty() && graph.inputs().size() == 1) { // e.g. a TAESD export
            in = GraphCheck.check(graph, ROLE, "input", graph.inputs().get(0), "sample [batch, 3, H, W] float32|float16",
                    GraphCheck.FLOATS, 4);
        } else {
            in = GraphCheck.input(graph, ROLE, "sample", "sample [batch, 3, H, W] float32|float16", GraphCheck.FLOATS,
                    4);
        }
        GraphCheck.dim(graph, ROLE, in, 1, 3, "sample [batch, 3, H, W]");
        out = GraphCheck.output(graph, ROLE, List.of("latent_sample", "latent_parameters", "latent_dist", "latent"),
                "latent_sample [batch, 4, h, w] or latent_parameters [batch, 8, h, w] float32|float16",
                GraphCheck.FLOATS, 4);
        parameters = out.name().equals("latent_parameters") || out.name().equals("latent_dist");
        long c = out.dim(1);
        if (c < 1) {
            throw new ModelLoadException(graph.file() + ": vae encoder output needs a fixed channel count, found "
                    + out.signature());
        }
        if (parameters && c % 2 != 0) {
            throw new ModelLoadException(graph.file() + ": vae encoder output '" + out.name()
                    + "' expected [batch, 2C, h, w] (mean and log-variance), found " + out.signature());
        }
        latentChannels = (int) (parameters ? c / 2 : c);
        runner = new SlotPairRunner(graph, clock, in, out);
    }

    public OnnxGraph graph() {
        return graph;
    }

    public int latentChannels() {
        return latentChannels;
    }

    /** Fixed input height/width, or -1 when symbolic. */
    public long inputHeight() {
        return in.dim(2);
    }

    public long inputWidth() {
        return in.dim(3);
    }

    /** H / h when both are fixed, else 0 (unknown). */
    public int factor() {
        if (in.dim(2) > 0 && out.dim(2) > 0) {
            return (int) (in.dim(2) / out.dim(2));
        }
        return 0;
    }

    /**
     * @param image  [frames, 3, H, W] in [-1, 1]
     * @param latent [frames, C, H/f, W/f] receives the mean (unscaled)
     */
    public void encode(float[] image, int frames, int height, int width, int factor, float[] latent) {
        int h = height / factor;
        int w = width / factor;
        int outC = parameters ? 2 * latentChannels : latentChannels;
        try {
            TensorSlot result = runner.run(image, frames, 3, height, width, outC, h, w);
            int plane = latentChannels * h * w;
            for (int f = 0; f < frames; f++) {
                result.getFloats(f * outC * h * w, latent, f * plane, plane); // channels 0..C-1 = the mean
            }
        } catch (OrtException e) {
            throw new IllegalStateException(graph.file() + ": vae encoder run failed for " + frames + "x3x" + height
                    + "x" + width + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        runner.close();
        graph.close();
    }
}
