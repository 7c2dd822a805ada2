package dev.streamcanvas.engine.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.streamcanvas.engine.onnx.ElementType;
import dev.streamcanvas.engine.onnx.TensorInfo;
import dev.streamcanvas.engine.stream.PromptEncoder;
import dev.streamcanvas.engine.text.ClipTokenizer;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The text encoder graph with its tokenizer: {@code input_ids [B,L] int32|int64 -> last_hidden_state [B,L,D]}.
 * Encodes one prompt at a time (the engine caches embeddings by prompt). Not thread-safe.
 */
public final class TextEncoder implements PromptEncoder, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TextEncoder.class);
    static final String ROLE = "text encoder";

    private final OnnxGraph graph;
    private final ClipTokenizer tokenizer;
    private final GraphRunner clock;
    private final TensorInfo ids;
    private final TensorInfo hidden;
    private final TensorSlot idSlot;
    private final int length;
    private int width;
    private boolean lastTruncated;

    /**
     * @param tokenizer must produce the graph's sequence length when it is fixed
     * @throws ModelLoadException naming the file and the expected versus found signature
     */
    public TextEncoder(OnnxGraph graph, ClipTokenizer tokenizer, GraphRunner clock) throws ModelLoadException {
        this.graph = graph;
        this.tokenizer = tokenizer;
        this.clock = clock;
        ids = GraphCheck.input(graph, ROLE, "input_ids", "input_ids [batch, L] int32|int64",
                EnumSet.of(ElementType.INT32, ElementType.INT64), 2);
        hidden = GraphCheck.output(graph, ROLE, List.of("last_hidden_state"),
                "last_hidden_state [batch, L, D] float32|float16", GraphCheck.FLOATS, 3);
        if (ids.dim(1) > 0 && ids.dim(1) != tokenizer.maxLength()) {
            throw new ModelLoadException(graph.file() + ": text encoder takes " + ids.dim(1)
                    + " tokens but the tokenizer makes " + tokenizer.maxLength()
                    + " (tokenizer_config.json model_max_length)");
        }
        checkVocabulary(graph, tokenizer);
        length = tokenizer.maxLength();
        width = (int) hidden.dim(2);
        idSlot = new TensorSlot(graph.environment(), ids.type());
        if (width < 1) {
            width = encode("").length / length; // symbolic D: learn it from one run
        }
    }

    public OnnxGraph graph() {
        return graph;
    }

    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public int sequenceLength() {
        return length;
    }

    @Override
    public int width() {
        return width;
    }

    /** Every token id must index a row of the graph's embedding table (when the graph has one we can see). */
    static void checkVocabulary(OnnxGraph graph, ClipTokenizer tokenizer) throws ModelLoadException {
        java.util.OptionalLong rows = graph.tokenEmbeddingRows();
        java.util.Map.Entry<String, Integer> top = tokenizer.largestId();
        if (rows.isPresent() && top != null && top.getValue() >= rows.getAsLong()) {
            throw new ModelLoadException(graph.file().getParent().resolveSibling("tokenizer").resolve("vocab.json")
                    + ": token '" + top.getKey() + "' has id " + top.getValue() + " but the text encoder's embedding "
                    + "table has " + rows.getAsLong() + " rows (ids 0.." + (rows.getAsLong() - 1) + ", "
                    + graph.file() + ")");
        }
    }

    /** Whether the last encoded prompt was cut to the model length. */
    public boolean lastTruncated() {
        return lastTruncated;
    }

    @Override
    public float[] encode(String prompt) {
        ClipTokenizer.Encoding enc = tokenizer.encode(prompt);
        lastTruncated = enc.truncated();
        if (enc.truncated()) {
            LOG.warn("prompt longer than {} tokens was truncated: \"{}\"", length, prompt);
        }
        try {
            OnnxTensor t = idSlot.ensure(1, length);
            idSlot.putInts(enc.ids(), 0, length);
            long t0 = System.nanoTime();
            try (OrtSession.Result r = graph.session().run(Map.of(ids.name(), t))) {
                clock.add(t0);
                OnnxTensor o = (OnnxTensor) r.get(hidden.name()).orElseGet(() -> r.get(0));
                long[] shape = o.getInfo().getShape();
                int n = (int) (shape[1] * shape[2]);
                float[] v = new float[n];
                if (o.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT16) {
                    java.nio.ShortBuffer sb = o.getShortBuffer();
                    for (int i = 0; i < n; i++) {
                        v[i] = dev.streamcanvas.engine.io.Half.toFloat(sb.get(i));
                    }
                } else {
                    o.getFloatBuffer().get(v);
                }
                return v;
            }
        } catch (OrtException e) {
            throw new IllegalStateException(graph.file() + ": text encoder run failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        idSlot.close();
        graph.close();
    }
}
