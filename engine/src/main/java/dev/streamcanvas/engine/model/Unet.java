package dev.streamcanvas.engine.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.streamcanvas.engine.onnx.ElementType;
import dev.streamcanvas.engine.onnx.TensorInfo;
import dev.streamcanvas.engine.stream.Conditioning;
import dev.streamcanvas.engine.stream.Denoiser;
import dev.streamcanvas.engine.v2v.BankSettings;
import dev.streamcanvas.engine.v2v.FeatureBank;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The UNet graph: {@code sample [B,4,h,w]}, {@code timestep} (int64/float/float16, [B] or scalar),
 * {@code encoder_hidden_states [B,L,D]}, optional {@code timestep_cond [B,Cc]} -> {@code out_sample [B,4,h,w]}.
 * Adapts to the element types the graph declares; fp16 graphs are fed FLOAT16 tensors. Inputs and the output
 * live in reused direct buffers (the output is pre-allocated and pinned); the timestep and text tensors are
 * refilled only after {@link #condition} handed over a new conditioning, the timestep_cond tensor only when the
 * guidance scale changes. A scalar-timestep graph runs one call per run of equal timesteps. Not thread-safe; the
 * engine thread owns it.
 */
public final class Unet implements Denoiser, AutoCloseable {
    static final String ROLE = "unet";
    private static final String SAMPLE = "sample [batch, 4, h, w] float32|float16";

    private final OnnxGraph graph;
    private final GraphRunner clock;
    private final TensorInfo sample;
    private final TensorInfo timestep;
    private final TensorInfo text;
    private final TensorInfo cond; // null when absent
    private final TensorInfo out;
    private final int channels;
    private final int textLength; // L, -1 when symbolic
    private final int textWidth; // D, -1 when symbolic
    private final boolean scalarTimestep;
    private final Map<Integer, Slots> slotsByBatch = new HashMap<>();
    private final FeatureBank bank; // StreamV2V feature bank of an edited graph; null for a plain UNet
    private float guidanceScale = 8f;
    private int[] timesteps = new int[0]; // [rows] of the current conditioning
    private float[] embeddings = new float[0]; // [rows, L, D] of the current conditioning
    private int seqLen; // L of the current conditioning
    private int embWidth; // D of the current conditioning
    private long conditioning; // incremented by every condition() call

    /** The tensors of one batch size. */
    private final class Slots implements AutoCloseable {
        final TensorSlot sampleSlot = new TensorSlot(graph.environment(), sample.type());
        final TensorSlot timestepSlot = new TensorSlot(graph.environment(), timestep.type());
        final TensorSlot textSlot = new TensorSlot(graph.environment(), text.type());
        final TensorSlot condSlot = cond == null ? null : new TensorSlot(graph.environment(), cond.type());
        final TensorSlot outSlot = new TensorSlot(graph.environment(), out.type());
        final Map<String, OnnxTensor> feeds = new HashMap<>();
        final Map<String, OnnxTensor> pinned = new HashMap<>();
        long conditionedAs = -1; // the conditioning (and row offset) last copied into the tensors
        int conditionedOffset = -1;
        float condFor = Float.NaN;
        int h = -1;
        int w = -1;

        @Override
        public void close() {
            sampleSlot.close();
            timestepSlot.close();
            textSlot.close();
            if (condSlot != null) {
                condSlot.close();
            }
            outSlot.close();
        }
    }

    /**
     * @throws ModelLoadException naming the file and the expected versus found signature
     */
    public Unet(OnnxGraph graph, GraphRunner clock) throws ModelLoadException {
        this(graph, clock, null);
    }

    /**
     * A UNet whose graph carries the feature-bank edit ({@code dev.streamcanvas.engine.v2v.AttentionGraphEdit}):
     * {@code bank} feeds its extra inputs before every run and is told after every call. Owned (closed) by this.
     *
     * @param bank null for a plain UNet
     */
    public Unet(OnnxGraph graph, GraphRunner clock, FeatureBank bank) throws ModelLoadException {
        this.graph = graph;
        this.clock = clock;
        this.bank = bank;
        Set<String> bankInputs = bank == null ? Set.of()
                : new HashSet<>(bank.layout().inputNames());
        sample = GraphCheck.input(graph, ROLE, "sample", SAMPLE, GraphCheck.FLOATS, 4);
        timestep = GraphCheck.input(graph, ROLE, "timestep", "timestep [batch] or [] int64|float32|float16",
                EnumSet.of(ElementType.INT64, ElementType.INT32, ElementType.FLOAT32, ElementType.FLOAT16), 0, 1);
        text = GraphCheck.input(graph, ROLE, "encoder_hidden_states",
                "encoder_hidden_states [batch, L, D] float32|float16", GraphCheck.FLOATS, 3);
        cond = graph.input("timestep_cond").isPresent()
                ? GraphCheck.input(graph, ROLE, "timestep_cond", "timestep_cond [batch, Cc] float32|float16",
                        GraphCheck.FLOATS, 2)
                : null;
        if (cond != null && cond.dim(1) < 1) {
            throw new ModelLoadException(graph.file() + ": unet input 'timestep_cond' needs a fixed width Cc, found "
                    + cond.signature());
        }
        out = GraphCheck.output(graph, ROLE, List.of("out_sample"), "out_sample [batch, 4, h, w] float32|float16",
                GraphCheck.FLOATS, 4);
        for (TensorInfo t : graph.inputs()) {
            if (t != sample && t != timestep && t != text && t != cond && !bankInputs.contains(t.name())) {
                throw new ModelLoadException(graph.file() + ": unet has an unexpected input " + t.signature()
                        + "; expected only sample, timestep, encoder_hidden_states and optionally timestep_cond");
            }
        }
        channels = sample.dim(1) > 0 ? (int) sample.dim(1) : 4;
        GraphCheck.dim(graph, ROLE, out, 1, channels, "out_sample [batch, " + channels + ", h, w] (as many channels"
                + " as its sample input)");
        textLength = (int) text.dim(1);
        textWidth = (int) text.dim(2);
        scalarTimestep = timestep.rank() == 0;
    }

    public OnnxGraph graph() {
        return graph;
    }

    /** The StreamV2V feature bank, or null when the graph has none. */
    public FeatureBank featureBank() {
        return bank;
    }

    /** Latent channels the UNet takes. */
    public int channels() {
        return channels;
    }

    /** L of encoder_hidden_states, -1 when symbolic. */
    public int textLength() {
        return textLength;
    }

    /** D of encoder_hidden_states, -1 when symbolic. */
    public int textWidth() {
        return textWidth;
    }

    /** Width Cc of timestep_cond, 0 when the graph has none. */
    public int timestepCondWidth() {
        return cond == null ? 0 : (int) cond.dim(1);
    }

    @Override
    public void setEmbeddedGuidanceScale(float w) {
        guidanceScale = w;
    }

    @Override
    public void condition(Conditioning c) {
        if ((textLength > 0 && c.sequenceLength() != textLength) || (textWidth > 0 && c.width() != textWidth)) {
            throw new IllegalArgumentException(graph.file() + ": unet input " + text.signature()
                    + " does not take embeddings of L=" + c.sequenceLength() + ", D=" + c.width());
        }
        timesteps = c.timesteps();
        embeddings = c.embeddings();
        seqLen = c.sequenceLength();
        embWidth = c.width();
        conditioning++;
    }

    @Override
    public void temporal(BankSettings settings, long seed, boolean reset) {
        if (bank != null) {
            bank.configure(settings, seed, reset);
        }
    }

    @Override
    public void predict(float[] latents, int batch, int h, int w, float[] result) {
        if (batch > timesteps.length) {
            throw new IllegalStateException("unet: predict of " + batch + " rows, but the conditioning has "
                    + timesteps.length + " (call condition() first)");
        }
        int e = channels * h * w;
        int ld = seqLen * embWidth;
        if (bank != null) {
            // the bank keeps one set of banks per conditioning layout (the timesteps of the rows called), so the
            // per-slot calls of sequential mode never share one and a prompt change keeps it
            bank.beginCall(timesteps, batch, h, w);
        }
        int start = 0;
        while (start < batch) {
            int end = batch;
            if (scalarTimestep) { // a scalar timestep: one call per run of equal timesteps
                end = start + 1;
                while (end < batch && timesteps[end] == timesteps[start]) {
                    end++;
                }
            }
            run(latents, start, end - start, h, w, e, ld, result);
            start = end;
        }
        if (bank != null) {
            bank.endCall();
        }
    }

    private void run(float[] latents, int start, int rows, int h, int w, int e, int ld, float[] result) {
        try {
            Slots s = slotsByBatch.get(rows);
            if (s == null) {
                s = new Slots();
                slotsByBatch.put(rows, s);
            }
            if (s.h != h || s.w != w) {
                s.feeds.put(sample.name(), s.sampleSlot.ensure(rows, channels, h, w));
                s.pinned.put(out.name(), s.outSlot.ensure(rows, channels, h, w));
                s.h = h;
                s.w = w;
            }
            s.sampleSlot.putFloats(latents, start * e, rows * e);
            if (s.conditionedAs != conditioning || s.conditionedOffset != start) {
                s.feeds.put(timestep.name(), scalarTimestep ? s.timestepSlot.ensure() : s.timestepSlot.ensure(rows));
                s.timestepSlot.putInts(timesteps, start, scalarTimestep ? 1 : rows);
                s.feeds.put(text.name(), s.textSlot.ensure(rows, seqLen, embWidth));
                s.textSlot.putFloats(embeddings, start * ld, rows * ld);
                s.conditionedAs = conditioning;
                s.conditionedOffset = start;
            }
            if (cond != null && Float.compare(s.condFor, guidanceScale) != 0) {
                int cc = (int) cond.dim(1);
                float[] emb = guidanceEmbedding(guidanceScale, cc);
                float[] all = new float[rows * cc];
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(emb, 0, all, r * cc, cc);
                }
                s.feeds.put(cond.name(), s.condSlot.ensure(rows, cc));
                s.condSlot.putFloats(all, 0, all.length);
                s.condFor = guidanceScale;
            }
            Map<String, OnnxTensor> pinned = bank == null ? s.pinned : bank.bind(s.feeds, s.pinned, start, rows);
            clock.run(graph.session(), s.feeds, pinned);
            s.outSlot.getFloats(0, result, start * e, rows * e);
        } catch (OrtException ex) {
            throw new IllegalStateException(graph.file() + ": unet run failed for batch " + rows + " at "
                    + h + "x" + w + " latents: " + ex.getMessage(), ex);
        }
    }

    /**
     * LCM's guidance-scale embedding (as diffusers' {@code get_guidance_scale_embedding}): w' = (w - 1) * 1000,
     * half = dim / 2, f_k = exp(-k * ln(10000) / (half - 1)), emb = [sin(w' f_k)..., cos(w' f_k)...], zero-padded
     * to an odd dim.
     */
    public static float[] guidanceEmbedding(float w, int dim) {
        double scaled = (w - 1.0) * 1000.0;
        int half = dim / 2;
        float[] emb = new float[dim];
        double step = half > 1 ? Math.log(10000.0) / (half - 1) : 0;
        for (int k = 0; k < half; k++) {
            double arg = scaled * Math.exp(-k * step);
            emb[k] = (float) Math.sin(arg);
            emb[half + k] = (float) Math.cos(arg);
        }
        return emb;
    }

    @Override
    public void close() {
        for (Slots s : slotsByBatch.values()) {
            s.close();
        }
        slotsByBatch.clear();
        if (bank != null) {
            bank.close();
        }
        graph.close();
    }
}
