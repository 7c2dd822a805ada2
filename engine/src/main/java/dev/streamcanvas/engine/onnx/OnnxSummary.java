package dev.streamcanvas.engine.onnx;

import dev.streamcanvas.engine.onnx.proto.OnnxProtos.GraphProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.NodeProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.OperatorSetIdProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.TensorProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.TensorShapeProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ValueInfoProto;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code inspect} shows about one model: signature, opsets, node counts by op type, initializer count,
 * bytes and parameter count, and the external data files it uses.
 *
 * @param irVersion         ONNX IR version
 * @param producer          producer name and version ("" if absent)
 * @param opsets            domain ("" = default ONNX domain) to opset version
 * @param inputs            graph inputs that are not initializers
 * @param outputs           graph outputs
 * @param nodeCount         number of nodes in the main graph
 * @param opCounts          op type to count, most frequent first
 * @param initializerCount  number of initializers
 * @param initializerBytes  bytes of initializer data (inline or external)
 * @param parameterCount    number of initializer elements
 * @param externalDataFiles external data file locations, sorted
 */
public record OnnxSummary(long irVersion, String producer, Map<String, Long> opsets, List<TensorInfo> inputs,
        List<TensorInfo> outputs, int nodeCount, Map<String, Integer> opCounts, int initializerCount,
        long initializerBytes, long parameterCount, Set<String> externalDataFiles) {

    /**
     * The summary of the graph read from {@code file}; a graph input or output that is not a tensor of a type we
     * model is refused naming the file.
     */
    public static OnnxSummary of(ModelProto model, java.nio.file.Path file) throws OnnxFormatException {
        try {
            return of(model);
        } catch (IllegalArgumentException e) {
            throw new OnnxFormatException(file, e.getMessage(), e);
        }
    }

    /** The summary of a graph; {@link IllegalArgumentException} for a non-tensor input or output (see {@link #info}). */
    public static OnnxSummary of(ModelProto model) {
        GraphProto g = model.getGraph();
        Map<String, Long> opsets = new LinkedHashMap<>();
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            opsets.put(o.getDomain(), o.getVersion());
        }
        Set<String> initNames = new HashSet<>();
        long bytes = 0;
        long params = 0;
        Set<String> external = new TreeSet<>();
        for (TensorProto t : g.getInitializerList()) {
            initNames.add(t.getName());
            long n = Math.max(0, Tensors.numel(t));
            params += n;
            ElementType type = ElementType.fromOnnx(t.getDataType()).orElse(null);
            if (OnnxModelFile.isExternal(t)) {
                external.add(OnnxModelFile.externalEntries(t).getOrDefault("location", "?"));
            }
            if (type != null && type.byteSize() > 0) {
                bytes += n * type.byteSize();
            } else if (t.hasRawData()) {
                bytes += t.getRawData().size();
            }
        }
        List<TensorInfo> inputs = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            if (!initNames.contains(v.getName())) {
                inputs.add(info(v));
            }
        }
        List<TensorInfo> outputs = new ArrayList<>();
        for (ValueInfoProto v : g.getOutputList()) {
            outputs.add(info(v));
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (NodeProto n : g.getNodeList()) {
            String op = n.getDomain().isEmpty() ? n.getOpType() : n.getDomain() + "." + n.getOpType();
            counts.merge(op, 1, Integer::sum);
        }
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort((a, b) -> b.getValue() != a.getValue().intValue() ? b.getValue() - a.getValue()
                : a.getKey().compareTo(b.getKey()));
        Map<String, Integer> opCounts = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : sorted) {
            opCounts.put(e.getKey(), e.getValue());
        }
        String producer = (model.getProducerName() + " " + model.getProducerVersion()).strip();
        return new OnnxSummary(model.getIrVersion(), producer, Collections.unmodifiableMap(opsets),
                List.copyOf(inputs), List.copyOf(outputs), g.getNodeCount(), Collections.unmodifiableMap(opCounts),
                g.getInitializerCount(), bytes, params, Collections.unmodifiableSet(external));
    }

    /** The default-domain opset version, or -1 if the model imports none. */
    public long defaultOpset() {
        Long v = opsets.get("");
        if (v == null) {
            v = opsets.get("ai.onnx");
        }
        return v == null ? -1 : v;
    }

    /**
     * Converts a value info into a {@link TensorInfo}: dim_value gives the size, dim_param the symbol (size -1),
     * neither an anonymous -1.
     *
     * @throws IllegalArgumentException for a non-tensor value or an element type we do not model
     */
    public static TensorInfo info(ValueInfoProto v) {
        if (!v.getType().hasTensorType()) {
            throw new IllegalArgumentException("value '" + v.getName() + "' is not a tensor");
        }
        int code = v.getType().getTensorType().getElemType();
        ElementType type = ElementType.fromOnnx(code).orElseThrow(
                () -> new IllegalArgumentException("value '" + v.getName() + "' has unsupported element type " + code));
        TensorShapeProto shape = v.getType().getTensorType().getShape();
        long[] dims = new long[shape.getDimCount()];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension d = shape.getDim(i);
            if (d.hasDimValue()) {
                dims[i] = d.getDimValue();
                names.add(null);
            } else {
                dims[i] = -1;
                names.add(d.hasDimParam() && !d.getDimParam().isEmpty() ? d.getDimParam() : null);
            }
        }
        return new TensorInfo(v.getName(), type, dims, names);
    }
}
