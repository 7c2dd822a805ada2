package dev.streamcanvas.engine.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.streamcanvas.engine.onnx.OnnxFormatException;
import dev.streamcanvas.engine.onnx.OnnxModelFile;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.GraphProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.NodeProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.TensorProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.TypeProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts the floating-point operations of one run of an ONNX graph at given input shapes: 2 per multiply-add of
 * every Conv, MatMul and Gemm node (elementwise ops, norms and softmax are not counted; they are a few percent
 * in UNets and VAEs). The shapes come from ONNX Runtime itself: the counted nodes' operands and results are
 * added as extra graph outputs and the graph runs once on zero inputs, so no shape inference of our own is
 * needed and the count holds for any exporter. The graph is read with its weights (meant for models of up to a
 * few hundred MB, such as the micro models and TAESD).
 */
public final class FlopCounter {
    private FlopCounter() {
    }

    /** FLOPs of one run of {@code onnxFile} with each input at the given shape (all inputs must be given). */
    public static long count(Path onnxFile, Map<String, long[]> inputShapes) throws ModelLoadException {
        ModelProto model;
        try {
            model = OnnxModelFile.readInlined(onnxFile);
        } catch (OnnxFormatException e) {
            throw new ModelLoadException(e.getMessage(), e);
        }
        GraphProto g = model.getGraph();
        Map<String, long[]> initShapes = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            initShapes.put(t.getName(), t.getDimsList().stream().mapToLong(Long::longValue).toArray());
        }
        Set<String> existing = new java.util.HashSet<>();
        g.getOutputList().forEach(o -> existing.add(o.getName()));
        g.getInputList().forEach(i -> existing.add(i.getName()));
        Set<String> probe = new LinkedHashSet<>();
        List<NodeProto> counted = g.getNodeList().stream()
                .filter(n -> switch (n.getOpType()) {
                    case "Conv", "MatMul", "Gemm" -> true;
                    default -> false;
                }).toList();
        for (NodeProto n : counted) {
            for (String v : List.of(n.getInput(0), n.getInput(1), n.getOutput(0))) {
                if (!initShapes.containsKey(v) && !existing.contains(v)) {
                    probe.add(v);
                }
            }
        }
        GraphProto.Builder gb = g.toBuilder();
        for (String v : probe) {
            gb.addOutput(ValueInfoProto.newBuilder().setName(v).setType(TypeProto.newBuilder()
                    .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
        }
        byte[] bytes = model.toBuilder().setGraph(gb).build().toByteArray();
        Map<String, long[]> shapes = new HashMap<>(initShapes);
        shapes.putAll(inputShapes);
        OrtEnvironment env = OnnxGraph.sharedEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT); // keep the nodes as written
            try (OrtSession s = env.createSession(bytes, opts)) {
                Map<String, OnnxTensor> feed = new HashMap<>();
                try {
                    for (ValueInfoProto in : g.getInputList()) {
                        long[] shape = inputShapes.get(in.getName());
                        if (shape == null) {
                            throw new ModelLoadException(onnxFile + ": no shape given for input '" + in.getName() + "'");
                        }
                        feed.put(in.getName(), zeros(env, in.getType().getTensorType().getElemType(), shape));
                    }
                    try (OrtSession.Result r = s.run(feed)) {
                        for (Map.Entry<String, OnnxValue> e : r) {
                            if (e.getValue() instanceof OnnxTensor t) {
                                shapes.put(e.getKey(), t.getInfo().getShape());
                            }
                        }
                    }
                } finally {
                    feed.values().forEach(OnnxTensor::close);
                }
            }
        } catch (OrtException e) {
            throw new ModelLoadException(onnxFile + ": could not run the graph to count its operations: " + e.getMessage(), e);
        }
        long total = 0;
        for (NodeProto n : counted) {
            long[] a = shapes.get(n.getInput(0));
            long[] b = shapes.get(n.getInput(1));
            long[] y = shapes.get(n.getOutput(0));
            if (a == null || b == null || y == null) {
                throw new ModelLoadException(onnxFile + ": no shape for an operand of node '" + n.getName() + "' (" + n.getOpType() + ")");
            }
            total += flops(n.getOpType(), a, b, y, attr(n, "group", 1), attr(n, "transA", 0));
        }
        return total;
    }

    /** FLOPs of one node from its operand and result shapes (the formulas, separately testable). */
    static long flops(String op, long[] a, long[] w, long[] y, long group, long transA) {
        switch (op) {
            case "Conv": {
                // y [N, Cout, spatial...], w [Cout, Cin/group, k...]: each output value is Cin/group * prod(k) MACs
                long perOutput = w[1];
                for (int i = 2; i < w.length; i++) {
                    perOutput *= w[i];
                }
                return 2 * numel(y) * perOutput;
            }
            case "MatMul":
                return 2 * numel(y) * a[a.length - 1]; // y [..., M, N], contraction over A's last axis
            case "Gemm":
                return 2 * numel(y) * (transA == 0 ? a[1] : a[0]);
            default:
                throw new IllegalArgumentException("not a counted op: " + op);
        }
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static long attr(NodeProto n, String name, long dflt) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst().map(a -> a.getI())
                .orElse(dflt);
    }

    private static OnnxTensor zeros(OrtEnvironment env, int elemType, long[] shape) throws OrtException {
        long n = numel(shape);
        if (elemType == TensorProto.DataType.INT64_VALUE) {
            return OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(new long[(int) n]), shape);
        }
        if (elemType == TensorProto.DataType.INT32_VALUE) {
            return OnnxTensor.createTensor(env, java.nio.IntBuffer.wrap(new int[(int) n]), shape);
        }
        if (elemType == TensorProto.DataType.FLOAT16_VALUE) {
            ByteBuffer b = ByteBuffer.allocateDirect((int) (2 * n)).order(ByteOrder.nativeOrder());
            return OnnxTensor.createTensor(env, b, shape, ai.onnxruntime.OnnxJavaType.FLOAT16);
        }
        return OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(new float[(int) n]), shape);
    }
}
