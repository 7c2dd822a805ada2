package dev.streamcanvas.engine.v2v;

import dev.streamcanvas.engine.onnx.ElementType;
import dev.streamcanvas.engine.onnx.GraphBuilder;
import dev.streamcanvas.engine.onnx.Tensors;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.AttributeProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.GraphProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.NodeProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.OperatorSetIdProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.StringStringEntryProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.TensorProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.TensorShapeProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.TypeProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives every self-attention layer (attn1) of a UNet graph a feature bank (StreamV2V, DESIGN §5), on the protobuf
 * alone: no weight is read, so initializers stored as external data keep their references.
 *
 * <p><b>Finding attn1 by structure.</b> For every Softmax, the MatMul that feeds it (through scale Mul/Div, mask
 * Add, Cast) gives Q (its left operand) and K (its right operand); the MatMul after the Softmax gives V (its right
 * operand). Each of the three is traced back through head-split Reshape/Transpose, scale Mul (the PyTorch 2
 * scaled-dot-product export multiplies q and k^T by sqrt(scale) each), bias Add and Cast to a projection: a MatMul
 * with a 2-D constant weight (possibly behind a Cast). Self-attention = the three projections share one activation
 * that is not {@code encoder_hidden_states}. The head merge after the second MatMul leads to {@code to_out}, a
 * projection whose output (after its bias) is the layer output O. Node names such as
 * {@code /mid_block/attentions.0/transformer_blocks.0/attn1/to_k/MatMul} confirm a match and pick the fusion layers
 * (the mid block and the first decoder level with attention); without names fusion goes to the layers at the
 * smallest token count and the decoder layers at the next-smallest, by counting stride-2 convolutions and
 * upsampling Resizes from {@code sample}.
 *
 * <p><b>The edit</b> per layer: K' = Concat(K, bank_k) and V' = Concat(V, bank_v) on the token axis (new graph
 * inputs, length 0 allowed); a head-split Reshape with a baked token count gets -1 there; outputs for the current
 * K and V (and O on fusion layers); on fusion layers the fusion subgraph between O and the residual add (see
 * {@link #fuse}). Bank inputs and outputs are float32 whatever the model's float type (casts are inserted for
 * fp16 graphs). The opset is kept; the layer table goes into the metadata under {@link #META_LAYERS}. Graphs with
 * ONNX Runtime's fused attention ops or a packed QKV projection are refused. Stateless.
 */
public final class AttentionGraphEdit {
    /** Metadata key of the layer table (JSON, see {@link BankLayout}). */
    public static final String META_LAYERS = "streamcanvas.v2v.layers";
    /** Metadata key with the SHA-256 of the graph file the edit was made from. */
    public static final String META_SOURCE = "streamcanvas.v2v.source_sha256";
    /** Scalar float32 graph input: fusion strength s in [0, 1]. */
    public static final String STRENGTH = "v2v_fusion_strength";
    /** Scalar float32 graph input: fusion threshold tau on the cosine similarity. */
    public static final String THRESHOLD = "v2v_fusion_threshold";

    private static final Set<String> FUSED_ATTENTION = Set.of("Attention", "MultiHeadAttention", "PackedAttention",
            "PackedMultiHeadAttention", "DecoderMaskedMultiHeadAttention", "GroupQueryAttention");
    /** Ops a tensor may pass between a projection and the attention MatMuls. */
    private static final Set<String> PASS = Set.of("Reshape", "Transpose", "Mul", "Div", "Add", "Cast", "Identity",
            "Squeeze", "Unsqueeze", "Dropout", "Flatten");
    private static final Set<String> SPLITS = Set.of("Split", "Slice", "Gather", "Chunk");
    private static final int DEPTH = 10;

    /** The edited model and its layer table. */
    public record Result(ModelProto model, BankLayout layout) {
    }

    private AttentionGraphEdit() {
    }

    /** A projection MatMul: {@code activation} times a 2-D weight, {@code out} after the optional bias Add. */
    private record Projection(int node, String activation, String out, long[] weightDims, int outIndexNode) {
        int width() {
            return (int) weightDims[1];
        }
    }

    /** One attention found by structure. */
    private record Found(String name, boolean named, Projection q, Projection k, Projection v, Projection o,
            int scoreMatMul, int valueMatMul, int level) {
    }

    /**
     * Edits {@code model}. A graph with no self-attention comes back with an empty layer table (and unchanged
     * computation).
     *
     * @param what the file or graph name, for messages
     * @throws BankEditException naming {@code what} and the node when the graph cannot take a bank
     */
    public static Result edit(ModelProto model, String what) throws BankEditException {
        GraphProto graph = model.getGraph();
        Index ix = new Index(graph);
        for (NodeProto n : graph.getNodeList()) {
            if (FUSED_ATTENTION.contains(n.getOpType()) && !n.getDomain().isEmpty()) {
                throw new BankEditException(what + ": node '" + n.getName() + "' is an already-fused " + n.getDomain()
                        + " " + n.getOpType() + " op; the feature bank needs the plain attention of an unoptimised "
                        + "export (export without ONNX Runtime's transformer optimisations)");
            }
        }
        int opset = opsetOf(model);
        Map<String, Integer> levels = levels(graph, ix);
        List<Found> found = new ArrayList<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            if (graph.getNode(i).getOpType().equals("Softmax")) {
                Found f = attention(ix, i, what, levels, found.size());
                if (f != null) {
                    found.add(f);
                }
            }
        }
        boolean named = !found.isEmpty() && found.stream().allMatch(Found::named);
        boolean[] fusion = fusionLayers(found, named);
        ElementType floatType = floatTypeOf(graph);
        List<BankLayer> layers = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            Found f = found.get(i);
            layers.add(new BankLayer(i, f.name(), f.level(), fusion[i], f.k().width(), f.v().width(),
                    fusion[i] ? f.o().width() : 0));
        }
        BankLayout layout = new BankLayout(layers, named);
        if (layers.isEmpty()) {
            return new Result(withMetadata(model, layout), layout);
        }
        Editor ed = new Editor(graph, ix, opset, floatType, batchDim(graph));
        for (int i = 0; i < found.size(); i++) {
            ed.bank(found.get(i), layers.get(i), what);
        }
        if (layers.stream().anyMatch(BankLayer::fusion)) {
            ed.scalarInput(STRENGTH);
            ed.scalarInput(THRESHOLD);
        }
        ModelProto edited = model.toBuilder().setGraph(ed.build()).build();
        return new Result(withMetadata(edited, layout), layout);
    }

    private static ModelProto withMetadata(ModelProto model, BankLayout layout) {
        ModelProto.Builder b = model.toBuilder();
        for (int i = b.getMetadataPropsCount() - 1; i >= 0; i--) {
            if (b.getMetadataProps(i).getKey().equals(META_LAYERS)) {
                b.removeMetadataProps(i);
            }
        }
        b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(META_LAYERS).setValue(layout.toJson()));
        return b.build();
    }

    // ---- finding attn1 --------------------------------------------------------------------------------------

    private static Found attention(Index ix, int softmax, String what, Map<String, Integer> levels, int ordinal)
            throws BankEditException {
        NodeProto sm = ix.node(softmax);
        Integer scores = findMatMul(ix, sm.getInput(0), 4);
        if (scores == null) {
            return null;
        }
        Integer values = null;
        for (int c : ix.consumersThrough(sm.getOutput(0), Set.of("Cast", "Dropout", "Identity"))) {
            NodeProto n = ix.node(c);
            if (n.getOpType().equals("MatMul") && ix.isOutputOf(n.getInput(0), sm.getOutput(0))) {
                values = c;
                break;
            }
        }
        if (values == null) {
            return null;
        }
        NodeProto m1 = ix.node(scores);
        NodeProto m2 = ix.node(values);
        Projection q = projectionOf(ix, m1.getInput(0), DEPTH);
        Projection k = projectionOf(ix, m1.getInput(1), DEPTH);
        Projection v = projectionOf(ix, m2.getInput(1), DEPTH);
        if (q == null || k == null || v == null) {
            if (packed(ix, m1.getInput(0), m1.getInput(1))) {
                throw new BankEditException(what + ": the attention at node '" + sm.getName() + "' takes Q and K from"
                        + " one packed QKV projection; the feature bank needs separate to_q / to_k / to_v MatMuls "
                        + "(export without QKV packing)");
            }
            return null;
        }
        if (!q.activation().equals(k.activation()) || !q.activation().equals(v.activation())) {
            return null; // cross-attention (attn2): keys and values come from the text
        }
        if (fromText(ix, q.activation())) {
            return null;
        }
        if (q.node() == k.node() || k.node() == v.node()) {
            throw new BankEditException(what + ": the attention at node '" + sm.getName() + "' uses one projection "
                    + "for several of Q, K, V (packed QKV); the feature bank needs separate projections");
        }
        Projection o = outputProjection(ix, m2.getOutput(0));
        if (o == null) {
            throw new BankEditException(what + ": the self-attention at node '" + sm.getName()
                    + "' has no output projection (to_out MatMul with a 2-D weight) after its head merge");
        }
        String kName = ix.node(k.node()).getName();
        boolean named = kName.contains("attn1") && ix.node(q.node()).getName().contains("attn1")
                && ix.node(v.node()).getName().contains("attn1");
        String name = named ? moduleName(kName) : "attn1_" + ordinal;
        Integer level = levels.get(q.activation());
        return new Found(name, named, q, k, v, o, scores, values, level == null ? -1 : level);
    }

    /** "/down_blocks.0/attentions.0/transformer_blocks.0/attn1/to_k/MatMul" -> "down_blocks.0....attn1". */
    static String moduleName(String nodeName) {
        int at = nodeName.indexOf("attn1");
        String path = nodeName.substring(0, at + "attn1".length());
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        return path.replace('/', '.');
    }

    /** The MatMul of two activations behind {@code value} (through Mul, Div, Add, Cast, Where). */
    private static Integer findMatMul(Index ix, String value, int depth) {
        Integer p = ix.producer(value);
        if (p == null || depth < 0) {
            return null;
        }
        NodeProto n = ix.node(p);
        if (n.getOpType().equals("MatMul")) {
            return ix.weightDims(n.getInput(1)) == null ? p : null;
        }
        if (!Set.of("Mul", "Div", "Add", "Cast", "Identity", "Where", "Sub").contains(n.getOpType())) {
            return null;
        }
        for (String in : n.getInputList()) {
            if (!ix.isConstant(in)) {
                Integer r = findMatMul(ix, in, depth - 1);
                if (r != null) {
                    return r;
                }
            }
        }
        return null;
    }

    /** The projection behind {@code value}, through the ops in {@link #PASS}. */
    private static Projection projectionOf(Index ix, String value, int depth) {
        Integer p = ix.producer(value);
        if (p == null || depth < 0) {
            return null;
        }
        NodeProto n = ix.node(p);
        if (n.getOpType().equals("MatMul")) {
            return projection(ix, p);
        }
        if (!PASS.contains(n.getOpType())) {
            return null;
        }
        int inputs = n.getOpType().equals("Reshape") ? 1 : n.getInputCount();
        for (int i = 0; i < inputs; i++) {
            String in = n.getInput(i);
            if (in.isEmpty() || ix.isConstant(in)) {
                continue;
            }
            Projection r = projectionOf(ix, in, depth - 1);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    /** {@code node} as a projection when it is a MatMul with a 2-D constant weight. */
    private static Projection projection(Index ix, int node) {
        NodeProto n = ix.node(node);
        long[] dims = ix.weightDims(n.getInput(1));
        if (dims == null || dims.length != 2) {
            return null;
        }
        String out = n.getOutput(0);
        int outNode = node;
        List<Integer> cons = ix.consumers(out);
        if (cons.size() == 1) {
            NodeProto c = ix.node(cons.get(0));
            if (c.getOpType().equals("Add") && c.getInputCount() == 2) {
                String other = c.getInput(0).equals(out) ? c.getInput(1) : c.getInput(0);
                long[] bias = ix.constantDims(other);
                if (bias != null && bias.length == 1 && bias[0] == dims[1]) {
                    out = c.getOutput(0);
                    outNode = cons.get(0);
                }
            }
        }
        return new Projection(node, n.getInput(0), out, dims, outNode);
    }

    /** Whether Q and K come out of one projection through a Split / Slice (packed QKV). */
    private static boolean packed(Index ix, String qValue, String kValue) {
        Integer q = sourceThroughSplits(ix, qValue, DEPTH);
        Integer k = sourceThroughSplits(ix, kValue, DEPTH);
        return q != null && q.equals(k);
    }

    private static Integer sourceThroughSplits(Index ix, String value, int depth) {
        Integer p = ix.producer(value);
        if (p == null || depth < 0) {
            return null;
        }
        NodeProto n = ix.node(p);
        if (n.getOpType().equals("MatMul")) {
            return projection(ix, p) != null ? p : null;
        }
        if (!PASS.contains(n.getOpType()) && !SPLITS.contains(n.getOpType())) {
            return null;
        }
        String in = n.getInput(0);
        return in.isEmpty() ? null : sourceThroughSplits(ix, in, depth - 1);
    }

    /** Whether {@code value} is {@code encoder_hidden_states} (directly or behind Cast / Identity). */
    private static boolean fromText(Index ix, String value) {
        String v = value;
        for (int i = 0; i < 4; i++) {
            if (v.equals("encoder_hidden_states")) {
                return true;
            }
            Integer p = ix.producer(v);
            if (p == null || !Set.of("Cast", "Identity").contains(ix.node(p).getOpType())) {
                return false;
            }
            v = ix.node(p).getInput(0);
        }
        return false;
    }

    /** to_out after the head merge (Transpose / Reshape / Cast) of the second attention MatMul's output. */
    private static Projection outputProjection(Index ix, String value) {
        String v = value;
        for (int step = 0; step < 6; step++) {
            List<Integer> cons = new ArrayList<>(ix.consumers(v));
            cons.removeIf(c -> ix.node(c).getOpType().equals("Shape")); // dynamic reshapes read the shape
            if (cons.size() != 1) {
                return null;
            }
            NodeProto n = ix.node(cons.get(0));
            if (n.getOpType().equals("MatMul") && n.getInput(0).equals(v)) {
                return projection(ix, cons.get(0));
            }
            if (!Set.of("Transpose", "Reshape", "Cast", "Identity").contains(n.getOpType())) {
                return null;
            }
            v = n.getOutput(0);
        }
        return null;
    }

    // ---- fusion layer choice --------------------------------------------------------------------------------

    /**
     * With diffusers names: the mid block and the first up block with attention. Without: the layers at the
     * smallest token count (highest level) and the decoder layers (after them in graph order) one level up.
     */
    private static boolean[] fusionLayers(List<Found> found, boolean named) {
        boolean[] fusion = new boolean[found.size()];
        if (named) {
            int firstUp = Integer.MAX_VALUE;
            for (Found f : found) {
                int up = upBlock(f.name());
                if (up >= 0) {
                    firstUp = Math.min(firstUp, up);
                }
            }
            for (int i = 0; i < found.size(); i++) {
                String n = found.get(i).name();
                fusion[i] = n.startsWith("mid_block") || (firstUp != Integer.MAX_VALUE && upBlock(n) == firstUp);
            }
            return fusion;
        }
        int max = -1;
        int firstAtMax = -1;
        for (int i = 0; i < found.size(); i++) {
            if (found.get(i).level() > max) {
                max = found.get(i).level();
                firstAtMax = i;
            }
        }
        if (max < 0) {
            return fusion; // levels unknown: no fusion
        }
        for (int i = 0; i < found.size(); i++) {
            int l = found.get(i).level();
            fusion[i] = l == max || (l == max - 1 && i > firstAtMax);
        }
        return fusion;
    }

    private static int upBlock(String name) {
        if (!name.startsWith("up_blocks.")) {
            return -1;
        }
        String rest = name.substring("up_blocks.".length());
        int dot = rest.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? rest : rest.substring(0, dot));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Spatial level of every value reachable from {@code sample}: +log2(stride) per strided Conv / pool, -1 per
     * upsampling Resize / Upsample / strided ConvTranspose; other ops take the level of their inputs.
     */
    private static Map<String, Integer> levels(GraphProto graph, Index ix) {
        Map<String, Integer> level = new HashMap<>();
        level.put("sample", 0);
        for (NodeProto n : graph.getNodeList()) {
            Integer base = n.getInputCount() > 0 ? level.get(n.getInput(0)) : null;
            if (base == null) {
                for (String in : n.getInputList()) {
                    Integer l = level.get(in);
                    if (l != null && (base == null || l > base)) {
                        base = l;
                    }
                }
            }
            if (base == null || n.getOpType().equals("Shape")) {
                continue;
            }
            int l = base;
            switch (n.getOpType()) {
                case "Conv", "MaxPool", "AveragePool" -> l += log2(maxInts(n, "strides"));
                case "ConvTranspose" -> l -= log2(maxInts(n, "strides"));
                case "Resize", "Upsample" -> l -= upsamples(ix, n) ? 1 : 0;
                default -> {
                }
            }
            for (String out : n.getOutputList()) {
                level.put(out, l);
            }
        }
        return level;
    }

    private static boolean upsamples(Index ix, NodeProto n) {
        String scales = n.getOpType().equals("Upsample") ? n.getInput(1) : n.getInputCount() > 2 ? n.getInput(2) : "";
        if (!scales.isEmpty() && ix.isConstant(scales)) {
            TensorProto t = ix.constant(scales);
            if (t != null && Tensors.numel(t.getDimsList().stream().mapToLong(Long::longValue).toArray()) > 0) {
                for (float s : Tensors.toFloats(t)) {
                    if (s > 1f) {
                        return true;
                    }
                }
                return false;
            }
        }
        return true; // sizes taken from another tensor: UNet resizes upsample
    }

    private static long maxInts(NodeProto n, String attr) {
        long m = 1;
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(attr)) {
                for (long v : a.getIntsList()) {
                    m = Math.max(m, v);
                }
            }
        }
        return m;
    }

    private static int log2(long v) {
        return 63 - Long.numberOfLeadingZeros(Math.max(1, v));
    }

    private static int opsetOf(ModelProto model) {
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                return (int) o.getVersion();
            }
        }
        return GraphBuilder.DEFAULT_OPSET;
    }

    private static ElementType floatTypeOf(GraphProto graph) {
        for (ValueInfoProto in : graph.getInputList()) {
            if (in.getName().equals("sample")) {
                return ElementType.fromOnnx(in.getType().getTensorType().getElemType()).orElse(ElementType.FLOAT32);
            }
        }
        return ElementType.FLOAT32;
    }

    private static TensorShapeProto.Dimension batchDim(GraphProto graph) {
        for (ValueInfoProto in : graph.getInputList()) {
            if (in.getName().equals("sample") && in.getType().getTensorType().getShape().getDimCount() > 0) {
                return in.getType().getTensorType().getShape().getDim(0);
            }
        }
        return TensorShapeProto.Dimension.newBuilder().setDimParam("batch").build();
    }

    // ---- the edit -------------------------------------------------------------------------------------------

    /** Collects new nodes (inserted after a given original node), renamed inputs, new inputs and outputs. */
    private static final class Editor {
        final GraphProto graph;
        final Index ix;
        final int opset;
        final ElementType type;
        final TensorShapeProto.Dimension batch;
        final List<NodeProto> nodes;
        final Map<Integer, List<NodeProto>> after = new HashMap<>();
        final List<ValueInfoProto> inputs = new ArrayList<>();
        final List<ValueInfoProto> outputs = new ArrayList<>();
        final List<TensorProto> initializers = new ArrayList<>();
        int counter;

        Editor(GraphProto graph, Index ix, int opset, ElementType type, TensorShapeProto.Dimension batch) {
            this.graph = graph;
            this.ix = ix;
            this.opset = opset;
            this.type = type;
            this.batch = batch;
            this.nodes = new ArrayList<>(graph.getNodeList());
        }

        void bank(Found f, BankLayer layer, String what) throws BankEditException {
            String p = "/v2v/" + layer.index() + "/";
            // K' = [K ; bank_k], V' = [V ; bank_v] on the token axis; the consumers now read K', V'
            String kCat = concat(f.k(), layer.bankK(), layer.widthK(), p + "k");
            String vCat = concat(f.v(), layer.bankV(), layer.widthV(), p + "v");
            freeTokenCount(kCat, f.scoreMatMul(), what);
            freeTokenCount(vCat, f.valueMatMul(), what);
            output(f.k().out(), f.k().outIndexNode(), layer.currentK(), layer.widthK());
            output(f.v().out(), f.v().outIndexNode(), layer.currentV(), layer.widthV());
            if (layer.fusion()) {
                output(f.o().out(), f.o().outIndexNode(), layer.currentO(), layer.widthO());
                fuse(f.o(), layer, p + "fuse/");
            }
        }

        /** Inserts Concat(out, bank) after the projection and rewires out's consumers; returns the new name. */
        private String concat(Projection proj, String bankName, int width, String prefix) {
            String bank = bankInput(bankName, width, prefix);
            String cat = prefix + "/concat";
            add(proj.outIndexNode(), node("Concat", List.of(proj.out(), bank), cat, GraphBuilder.attr("axis", 1)));
            rename(proj.out(), cat, proj.outIndexNode());
            return cat;
        }

        /** A float32 [batch, M, width] graph input, cast to the model's type; returns the name to use. */
        private String bankInput(String name, int width, String prefix) {
            inputs.add(valueInfo(name, ElementType.FLOAT32, batch, dimParam(name + "_tokens"), dimValue(width)));
            return type == ElementType.FLOAT32 ? name : castTo(name, type, prefix + "/cast_in", -1);
        }

        void scalarInput(String name) {
            inputs.add(valueInfo(name, ElementType.FLOAT32));
        }

        /** A float32 graph output {@code name} [batch, N, width] equal to {@code value}. */
        private void output(String value, int afterNode, String name, int width) {
            NodeProto n = type == ElementType.FLOAT32 ? node("Identity", List.of(value), name)
                    : node("Cast", List.of(value), name, GraphBuilder.attr("to", ElementType.FLOAT32.onnxCode()));
            add(afterNode, n);
            outputs.add(valueInfo(name, ElementType.FLOAT32, batch, dimParam(name + "_tokens"), dimValue(width)));
        }

        /**
         * Feature fusion on O [B, N, C] with the bank B [B, M, C] (float32): o and b normalised to unit length,
         * sim = o b^T; a sentinel column of -2 is appended so that an empty bank (M = 0) needs no special case and
         * is never selected; j* = argmax, c = max; sel = B[j*] where c >= tau, else o; out = o + s (sel - o), which
         * is o exactly for an empty bank or s = 0. Replaces O for its consumers (the residual add).
         */
        private void fuse(Projection proj, BankLayer layer, String p) {
            int at = proj.outIndexNode();
            String o = proj.out();
            String of = type == ElementType.FLOAT32 ? o : castTo(o, ElementType.FLOAT32, p + "o_f32", at);
            String b = layer.bankO();
            inputs.add(valueInfo(b, ElementType.FLOAT32, batch, dimParam(b + "_tokens"), dimValue(layer.widthO())));
            String on = add(at, node("Div", List.of(of, add(at, node("Add", List.of(l2(of, p + "no", at),
                    constF(1e-12f, p + "eps")), p + "no_eps"))), p + "on"));
            String bn = add(at, node("Div", List.of(b, add(at, node("Add", List.of(l2(b, p + "nb", at),
                    constF(1e-12f, p + "eps_b")), p + "nb_eps"))), p + "bn"));
            String bt = add(at, node("Transpose", List.of(bn), p + "bt", GraphBuilder.attr("perm", new long[] {0, 2, 1})));
            String sim = add(at, node("MatMul", List.of(on, bt), p + "sim"));                            // [B, N, M]
            String shape = add(at, node("Shape", List.of(of), p + "shape"));                              // [B, N, C]
            String bnShape = add(at, node("Gather", List.of(shape, constL(new long[] {0, 1}, p + "i01")), p + "bn_shape",
                    GraphBuilder.attr("axis", 0)));
            String col = add(at, node("Concat", List.of(bnShape, constL(new long[] {1}, p + "one")), p + "col_shape",
                    GraphBuilder.attr("axis", 0)));                                                          // [B, N, 1]
            String sentinel = add(at, node("Expand", List.of(constF3(-2f, p + "minus2"), col), p + "sentinel"));
            String simS = add(at, node("Concat", List.of(sim, sentinel), p + "sim_s", GraphBuilder.attr("axis", 2)));
            String j = add(at, node("ArgMax", List.of(simS), p + "argmax", GraphBuilder.attr("axis", 2),
                    GraphBuilder.attr("keepdims", 1)));                                                      // [B, N, 1]
            String c = reduceMax(simS, p + "max", at);                                                       // [B, N, 1]
            String bShape = add(at, node("Concat", List.of(
                    add(at, node("Gather", List.of(shape, constL(new long[] {0}, p + "i0")), p + "b_dim",
                            GraphBuilder.attr("axis", 0))),
                    constL(new long[] {1}, p + "one_b"),
                    add(at, node("Gather", List.of(shape, constL(new long[] {2}, p + "i2")), p + "c_dim",
                            GraphBuilder.attr("axis", 0)))), p + "row_shape", GraphBuilder.attr("axis", 0)));
            String zeros = add(at, node("Expand", List.of(constF3(0f, p + "zero"), bShape), p + "zeros"));   // [B, 1, C]
            String bz = add(at, node("Concat", List.of(b, zeros), p + "bank_s", GraphBuilder.attr("axis", 1)));
            String idx = add(at, node("Expand", List.of(j, shape), p + "idx"));                             // [B, N, C]
            String g = add(at, node("GatherElements", List.of(bz, idx), p + "best", GraphBuilder.attr("axis", 1)));
            String mask = add(at, node("GreaterOrEqual", List.of(c, THRESHOLD), p + "mask"));
            String sel = add(at, node("Where", List.of(mask, g, of), p + "sel"));
            String diff = add(at, node("Sub", List.of(sel, of), p + "diff"));
            String fused = add(at, node("Add", List.of(of, add(at, node("Mul", List.of(diff, STRENGTH), p + "scaled"))),
                    p + "fused"));
            String result = type == ElementType.FLOAT32 ? fused : castTo(fused, type, p + "out", at);
            rename(o, result, at);
        }

        private String l2(String x, String name, int at) {
            if (opset >= 18) {
                return add(at, node("ReduceL2", List.of(x, constL(new long[] {-1}, name + "_axes")), name,
                        GraphBuilder.attr("keepdims", 1)));
            }
            return add(at, node("ReduceL2", List.of(x), name, GraphBuilder.attr("axes", new long[] {-1}),
                    GraphBuilder.attr("keepdims", 1)));
        }

        private String reduceMax(String x, String name, int at) {
            if (opset >= 18) {
                return add(at, node("ReduceMax", List.of(x, constL(new long[] {2}, name + "_axes")), name,
                        GraphBuilder.attr("keepdims", 1)));
            }
            return add(at, node("ReduceMax", List.of(x), name, GraphBuilder.attr("axes", new long[] {2}),
                    GraphBuilder.attr("keepdims", 1)));
        }

        private String castTo(String x, ElementType to, String name, int at) {
            NodeProto n = node("Cast", List.of(x), name, GraphBuilder.attr("to", to.onnxCode()));
            if (at < 0) {
                return addFirst(n);
            }
            return add(at, n);
        }

        private String constF(float v, String name) {
            initializers.add(Tensors.floats(name, ElementType.FLOAT32, new long[0], new float[] {v}));
            return name;
        }

        private String constF3(float v, String name) {
            initializers.add(Tensors.floats(name, ElementType.FLOAT32, new long[] {1, 1, 1}, new float[] {v}));
            return name;
        }

        private String constL(long[] v, String name) {
            initializers.add(Tensors.int64s(name, new long[] {v.length}, v));
            return name;
        }

        /**
         * Follows K' (or V') [B, N', C] to the attention MatMul through Reshape / Transpose / Mul / Div / Cast,
         * tracking the token axis; a Reshape whose constant shape bakes the token count gets -1 there.
         */
        private void freeTokenCount(String start, int stopNode, String what) throws BankEditException {
            String v = start;
            int rank = 3;
            int axis = 1;
            for (int step = 0; step < DEPTH; step++) {
                List<Integer> cons = consumersOf(v);
                if (cons.isEmpty()) {
                    return;
                }
                int c = cons.get(0);
                if (c == stopNode) {
                    return;
                }
                NodeProto n = nodes.get(c);
                switch (n.getOpType()) {
                    case "Transpose" -> {
                        long[] perm = ints(n, "perm");
                        for (int i = 0; i < perm.length; i++) {
                            if (perm[i] == axis) {
                                axis = i;
                                break;
                            }
                        }
                    }
                    case "Reshape" -> {
                        int[] r = reshape(c, n, rank, axis, what);
                        rank = r[0];
                        axis = r[1];
                    }
                    case "Mul", "Div", "Cast", "Identity", "Add" -> {
                    }
                    default -> {
                        return;
                    }
                }
                v = n.getOutput(0);
            }
        }

        private List<Integer> consumersOf(String value) {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                NodeProto n = nodes.get(i);
                boolean data = n.getOpType().equals("Reshape") ? n.getInput(0).equals(value)
                        : !n.getOpType().equals("Shape") && n.getInputList().contains(value);
                if (data) {
                    out.add(i);
                }
            }
            return out;
        }

        /** Returns {rank, axis} after the Reshape; rewrites a baked token count to -1. */
        private int[] reshape(int index, NodeProto n, int rank, int axis, String what) throws BankEditException {
            String shapeName = n.getInput(1);
            TensorProto t = ix.constant(shapeName);
            if (t != null) {
                long[] shape = Tensors.toLongs(t);
                int outRank = shape.length;
                int outAxis = outRank >= rank ? axis : axis - (rank - outRank);
                if (outAxis >= 0 && outAxis < outRank && shape[outAxis] > 0) {
                    for (int i = 0; i < outRank; i++) {
                        if (i != outAxis && shape[i] == -1) {
                            throw new BankEditException(what + ": Reshape '" + n.getName() + "' bakes the token count "
                                    + shape[outAxis] + " next to a -1; the feature bank cannot free it (export with "
                                    + "dynamic height and width)");
                        }
                    }
                    long[] fixed = shape.clone();
                    fixed[outAxis] = -1;
                    String name = shapeName + "/v2v_tokens_" + (counter++);
                    initializers.add(Tensors.int64s(name, new long[] {fixed.length}, fixed));
                    nodes.set(index, n.toBuilder().setInput(1, name).build());
                }
                return new int[] {outRank, Math.max(0, outAxis)};
            }
            Integer p = ix.producer(shapeName);
            if (p != null && ix.node(p).getOpType().equals("Concat")) {
                NodeProto cat = ix.node(p);
                int outRank = cat.getInputCount();
                int outAxis = outRank >= rank ? axis : axis - (rank - outRank);
                if (outAxis >= 0 && outAxis < outRank) {
                    TensorProto piece = ix.constant(cat.getInput(outAxis));
                    if (piece != null && Tensors.toLongs(piece).length == 1 && Tensors.toLongs(piece)[0] > 0) {
                        String name = cat.getInput(outAxis) + "/v2v_tokens_" + (counter++);
                        initializers.add(Tensors.int64s(name, new long[] {1}, new long[] {-1}));
                        nodes.set(p, nodes.get(p).toBuilder().setInput(outAxis, name).build());
                    }
                }
                return new int[] {outRank, Math.max(0, outAxis)};
            }
            return new int[] {rank, axis};
        }

        private String add(int afterNode, NodeProto n) {
            after.computeIfAbsent(afterNode, k -> new ArrayList<>()).add(n);
            return n.getOutput(0);
        }

        private String addFirst(NodeProto n) {
            after.computeIfAbsent(-1, k -> new ArrayList<>()).add(n);
            return n.getOutput(0);
        }

        /** Replaces {@code from} by {@code to} in the inputs of every original node after {@code producerNode}. */
        private void rename(String from, String to, int producerNode) {
            for (int i = producerNode + 1; i < nodes.size(); i++) {
                NodeProto n = nodes.get(i);
                if (n.getInputList().contains(from)) {
                    NodeProto.Builder b = n.toBuilder();
                    for (int k = 0; k < b.getInputCount(); k++) {
                        if (b.getInput(k).equals(from)) {
                            b.setInput(k, to);
                        }
                    }
                    nodes.set(i, b.build());
                }
            }
        }

        GraphProto build() {
            GraphProto.Builder g = graph.toBuilder().clearNode();
            for (NodeProto n : after.getOrDefault(-1, List.of())) {
                g.addNode(n);
            }
            for (int i = 0; i < nodes.size(); i++) {
                g.addNode(nodes.get(i));
                for (NodeProto n : after.getOrDefault(i, List.of())) {
                    g.addNode(n);
                }
            }
            g.addAllInput(inputs);
            g.addAllOutput(outputs);
            g.addAllInitializer(initializers);
            return g.build();
        }

        private NodeProto node(String op, List<String> ins, String out, AttributeProto... attrs) {
            return NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(ins).addOutput(out)
                    .addAllAttribute(List.of(attrs)).build();
        }
    }

    private static long[] ints(NodeProto n, String attr) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(attr)) {
                return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
        }
        return new long[0];
    }

    private static TensorShapeProto.Dimension dimParam(String s) {
        return TensorShapeProto.Dimension.newBuilder().setDimParam(s).build();
    }

    private static TensorShapeProto.Dimension dimValue(long v) {
        return TensorShapeProto.Dimension.newBuilder().setDimValue(v).build();
    }

    private static ValueInfoProto valueInfo(String name, ElementType type, TensorShapeProto.Dimension... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (TensorShapeProto.Dimension d : dims) {
            shape.addDim(d);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.onnxCode()).setShape(shape))).build();
    }

    // ---- graph index ----------------------------------------------------------------------------------------

    /** Producers, consumers and constants of a graph's values. */
    private static final class Index {
        final GraphProto graph;
        final Map<String, Integer> producer = new HashMap<>();
        final Map<String, List<Integer>> consumers = new HashMap<>();
        final Map<String, TensorProto> constants = new LinkedHashMap<>();
        final Set<String> inputs = new HashSet<>();

        Index(GraphProto graph) {
            this.graph = graph;
            for (TensorProto t : graph.getInitializerList()) {
                constants.put(t.getName(), t);
            }
            for (ValueInfoProto v : graph.getInputList()) {
                if (!constants.containsKey(v.getName())) {
                    inputs.add(v.getName());
                }
            }
            for (int i = 0; i < graph.getNodeCount(); i++) {
                NodeProto n = graph.getNode(i);
                for (String out : n.getOutputList()) {
                    producer.put(out, i);
                }
                for (String in : n.getInputList()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
                }
                if (n.getOpType().equals("Constant")) {
                    for (AttributeProto a : n.getAttributeList()) {
                        if (a.getName().equals("value") && a.hasT()) {
                            constants.put(n.getOutput(0), a.getT());
                        }
                    }
                }
            }
        }

        NodeProto node(int i) {
            return graph.getNode(i);
        }

        Integer producer(String value) {
            return producer.get(value);
        }

        List<Integer> consumers(String value) {
            return consumers.getOrDefault(value, List.of());
        }

        /** Consumers of {@code value}, looking through the given pass-through ops. */
        List<Integer> consumersThrough(String value, Set<String> through) {
            List<Integer> out = new ArrayList<>();
            for (int c : consumers(value)) {
                out.add(c);
                if (through.contains(node(c).getOpType())) {
                    out.addAll(consumersThrough(node(c).getOutput(0), through));
                }
            }
            return out;
        }

        /** Whether {@code value} is {@code source} or produced from it by Cast / Dropout / Identity. */
        boolean isOutputOf(String value, String source) {
            String v = value;
            for (int i = 0; i < 4; i++) {
                if (v.equals(source)) {
                    return true;
                }
                Integer p = producer(v);
                if (p == null || !Set.of("Cast", "Dropout", "Identity").contains(node(p).getOpType())) {
                    return false;
                }
                v = node(p).getInput(0);
            }
            return false;
        }

        boolean isConstant(String value) {
            if (constants.containsKey(value)) {
                return true;
            }
            Integer p = producer(value);
            return p != null && node(p).getOpType().equals("Cast") && constants.containsKey(node(p).getInput(0));
        }

        TensorProto constant(String value) {
            return constants.get(value);
        }

        long[] constantDims(String value) {
            TensorProto t = constants.get(value);
            if (t == null) {
                Integer p = producer(value);
                if (p != null && node(p).getOpType().equals("Cast")) {
                    t = constants.get(node(p).getInput(0));
                }
            }
            return t == null ? null : t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        }

        /** Dims of a 2-D constant weight (maybe behind a Cast), else null. */
        long[] weightDims(String value) {
            long[] d = constantDims(value);
            return d != null && d.length == 2 ? d : null;
        }
    }
}
