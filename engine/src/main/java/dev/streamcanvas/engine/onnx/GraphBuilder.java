package dev.streamcanvas.engine.onnx;

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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds a small ONNX graph op by op. Values carry their element type; shapes are declared on inputs and
 * outputs only (ONNX Runtime infers the rest). Opset 17 by default (ONNX Runtime 1.23 runs opsets 7..23;
 * versions 13 and up are supported here). Not thread-safe.
 *
 * <pre>{@code
 * GraphBuilder g = new GraphBuilder("unet");
 * Value x = g.input("sample", FLOAT32, "batch", 4, "height", "width");
 * Value w = g.initializer("conv.weight", FLOAT32, new long[] {8, 4, 3, 3}, weights);
 * Value y = g.silu(g.conv(x, w, null, 1, 1));
 * g.output(y, "out_sample", "batch", 8, "height", "width");
 * ModelProto model = g.build();
 * }</pre>
 *
 * <p>Scalar constants passed as {@code float} to binary ops take the element type of the other operand, so
 * the same code builds float32 and float16 graphs.
 */
public final class GraphBuilder {
    /** The default opset: LayerNormalization is in, ReduceMean still takes axes as an attribute. */
    public static final int DEFAULT_OPSET = 17;
    /** IR version written with the default opset (IR 8 goes with opsets up to 18). */
    public static final int IR_VERSION = 8;

    private final String graphName;
    private final int opset;
    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final List<StringStringEntryProto> metadata = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private int counter;

    public GraphBuilder(String graphName) {
        this(graphName, DEFAULT_OPSET);
    }

    public GraphBuilder(String graphName, int opset) {
        if (opset < 13 || opset > 23) {
            throw new IllegalArgumentException("opset " + opset + " not supported (13..23)");
        }
        this.graphName = graphName;
        this.opset = opset;
        graph.setName(graphName);
    }

    public int opset() {
        return opset;
    }

    // ---- graph inputs, outputs, weights -------------------------------------------------------------------

    /**
     * Declares a graph input. {@code dims} mixes numbers (fixed sizes) and strings (symbolic dims such as
     * "batch"); no dims means a scalar.
     */
    public Value input(String name, ElementType type, Object... dims) {
        claim(name);
        graph.addInput(valueInfo(name, type, dims));
        return new Value(name, type, this);
    }

    /** Declares {@code v} as a graph output called {@code name} with the given dims (see {@link #input}). */
    public void output(Value v, String name, Object... dims) {
        check(v);
        String outName = v.name();
        if (!outName.equals(name)) {
            claim(name);
            graph.addNode(node("Identity", List.of(v.name()), List.of(name)));
            outName = name;
        }
        graph.addOutput(valueInfo(outName, v.type(), dims));
    }

    /** Declares {@code v} as a graph output with element type only (shape left to the runtime). */
    public void outputUnshaped(Value v, String name) {
        check(v);
        String outName = v.name();
        if (!outName.equals(name)) {
            claim(name);
            graph.addNode(node("Identity", List.of(v.name()), List.of(name)));
            outName = name;
        }
        graph.addOutput(ValueInfoProto.newBuilder().setName(outName).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(v.type().onnxCode()))));
    }

    /** A float initializer (FLOAT32 or FLOAT16 storage; values rounded for FLOAT16). */
    public Value initializer(String name, ElementType type, long[] dims, float[] data) {
        return initializer(Tensors.floats(name, type, dims, data));
    }

    /** An INT64 initializer. */
    public Value initializer(String name, long[] dims, long[] data) {
        return initializer(Tensors.int64s(name, dims, data));
    }

    /** An INT32 initializer. */
    public Value initializer(String name, long[] dims, int[] data) {
        return initializer(Tensors.int32s(name, dims, data));
    }

    /** Adds a ready-made tensor as initializer (its name must be unique). */
    public Value initializer(TensorProto tensor) {
        claim(tensor.getName());
        graph.addInitializer(tensor);
        return new Value(tensor.getName(), ElementType.ofOnnx(tensor.getDataType()), this);
    }

    /** A Constant node holding {@code tensor} (name is replaced by a fresh one). */
    public Value constant(TensorProto tensor) {
        String out = fresh("const");
        graph.addNode(node("Constant", List.of(), List.of(out), attr("value", tensor.toBuilder().clearName().build())));
        return new Value(out, ElementType.ofOnnx(tensor.getDataType()), this);
    }

    /** A scalar constant of the given floating type. */
    public Value scalar(float value, ElementType type) {
        return constant(Tensors.floats(null, type, new long[0], new float[] {value}));
    }

    /** A float constant of type {@code type} and shape {@code dims}. */
    public Value constant(ElementType type, long[] dims, float... values) {
        return constant(Tensors.floats(null, type, dims, values));
    }

    /** A 1-D INT64 constant (shapes, axes, indices). */
    public Value longs(long... values) {
        return constant(Tensors.int64s(null, new long[] {values.length}, values));
    }

    /** A scalar INT64 constant. */
    public Value longScalar(long value) {
        return constant(Tensors.int64s(null, new long[0], new long[] {value}));
    }

    /** Adds model metadata ({@code metadata_props}). */
    public GraphBuilder metadata(String key, String value) {
        metadata.add(StringStringEntryProto.newBuilder().setKey(key).setValue(value).build());
        return this;
    }

    /** The finished model (default domain at {@link #opset()}). */
    public ModelProto build() {
        return ModelProto.newBuilder()
                .setIrVersion(irVersion(opset))
                .setProducerName("streamcanvas")
                .setProducerVersion("0.1")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .addAllMetadataProps(metadata)
                .setGraph(graph.clone().setName(graphName))
                .build();
    }

    /** The IR version that introduced {@code opset} (8 up to opset 18, 9 for 19-20, 10 for 21-22, 11 for 23). */
    static int irVersion(int opset) {
        if (opset <= 18) {
            return IR_VERSION;
        }
        return opset <= 20 ? 9 : opset <= 22 ? 10 : 11;
    }

    // ---- elementwise --------------------------------------------------------------------------------------

    public Value add(Value a, Value b) {
        return op("Add", a.type(), a, b);
    }

    public Value add(Value a, float b) {
        return add(a, scalar(b, a.type()));
    }

    public Value sub(Value a, Value b) {
        return op("Sub", a.type(), a, b);
    }

    public Value sub(Value a, float b) {
        return sub(a, scalar(b, a.type()));
    }

    public Value mul(Value a, Value b) {
        return op("Mul", a.type(), a, b);
    }

    public Value mul(Value a, float b) {
        return mul(a, scalar(b, a.type()));
    }

    public Value div(Value a, Value b) {
        return op("Div", a.type(), a, b);
    }

    public Value div(Value a, float b) {
        return div(a, scalar(b, a.type()));
    }

    public Value pow(Value a, Value b) {
        return op("Pow", a.type(), a, b);
    }

    public Value pow(Value a, float b) {
        return pow(a, scalar(b, a.type()));
    }

    public Value neg(Value x) {
        return op("Neg", x.type(), x);
    }

    public Value sigmoid(Value x) {
        return op("Sigmoid", x.type(), x);
    }

    public Value tanh(Value x) {
        return op("Tanh", x.type(), x);
    }

    public Value relu(Value x) {
        return op("Relu", x.type(), x);
    }

    public Value sqrt(Value x) {
        return op("Sqrt", x.type(), x);
    }

    public Value exp(Value x) {
        return op("Exp", x.type(), x);
    }

    public Value sin(Value x) {
        return op("Sin", x.type(), x);
    }

    public Value cos(Value x) {
        return op("Cos", x.type(), x);
    }

    public Value erf(Value x) {
        return op("Erf", x.type(), x);
    }

    /** SiLU / swish: x * sigmoid(x). */
    public Value silu(Value x) {
        return mul(x, sigmoid(x));
    }

    /** Exact GELU: 0.5 x (1 + erf(x / sqrt 2)). */
    public Value gelu(Value x) {
        Value inner = erf(mul(x, (float) (1.0 / Math.sqrt(2.0))));
        return mul(mul(x, 0.5f), add(inner, 1f));
    }

    public Value softmax(Value x, int axis) {
        return op("Softmax", x.type(), List.of(x), attr("axis", axis));
    }

    public Value cast(Value x, ElementType to) {
        if (x.type() == to) {
            return x;
        }
        return op("Cast", to, List.of(x), attr("to", to.onnxCode()));
    }

    public Value equal(Value a, Value b) {
        return op("Equal", ElementType.BOOL, a, b);
    }

    public Value where(Value cond, Value a, Value b) {
        return op("Where", a.type(), cond, a, b);
    }

    // ---- linear algebra -----------------------------------------------------------------------------------

    public Value matmul(Value a, Value b) {
        return op("MatMul", a.type(), a, b);
    }

    /** Gemm: alpha * A' B' + beta * C, with B transposed when {@code transB} (PyTorch Linear layout). */
    public Value gemm(Value a, Value b, Value c, boolean transB) {
        List<Value> ins = c == null ? List.of(a, b) : List.of(a, b, c);
        return op("Gemm", a.type(), ins, attr("transB", transB ? 1 : 0));
    }

    /** 2-D convolution with square stride and symmetric padding, group 1. {@code bias} may be null. */
    public Value conv(Value x, Value weight, Value bias, int stride, int pad) {
        return conv(x, weight, bias, new long[] {stride, stride}, new long[] {pad, pad, pad, pad}, 1);
    }

    /**
     * Convolution with explicit strides, pads (ONNX order: begin of each spatial axis, then end of each) and
     * group. {@code bias} may be null.
     */
    public Value conv(Value x, Value weight, Value bias, long[] strides, long[] pads, int group) {
        List<Value> ins = bias == null ? List.of(x, weight) : List.of(x, weight, bias);
        return op("Conv", x.type(), ins, attr("strides", strides), attr("pads", pads), attr("group", group));
    }

    public Value averagePool(Value x, int kernel, int stride) {
        return op("AveragePool", x.type(), List.of(x), attr("kernel_shape", new long[] {kernel, kernel}),
                attr("strides", new long[] {stride, stride}));
    }

    // ---- shape ops ----------------------------------------------------------------------------------------

    public Value reshape(Value x, long... shape) {
        return reshape(x, longs(shape));
    }

    public Value reshape(Value x, Value shape) {
        return op("Reshape", x.type(), x, shape);
    }

    public Value transpose(Value x, long... perm) {
        return op("Transpose", x.type(), List.of(x), attr("perm", perm));
    }

    public Value concat(int axis, Value... xs) {
        return op("Concat", xs[0].type(), List.of(xs), attr("axis", axis));
    }

    /** Splits along {@code axis} into pieces of the given sizes. */
    public Value[] split(Value x, int axis, long... sizes) {
        List<String> outs = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            outs.add(fresh("Split"));
        }
        Value splitSizes = longs(sizes);
        graph.addNode(node("Split", List.of(x.name(), splitSizes.name()), outs, attr("axis", axis)));
        Value[] result = new Value[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            result[i] = new Value(outs.get(i), x.type(), this);
        }
        return result;
    }

    /** Slice with constant starts/ends/axes (steps 1). */
    public Value slice(Value x, long[] starts, long[] ends, long[] axes) {
        return op("Slice", x.type(), x, longs(starts), longs(ends), longs(axes));
    }

    public Value slice(Value x, long[] starts, long[] ends, long[] axes, long[] steps) {
        return op("Slice", x.type(), x, longs(starts), longs(ends), longs(axes), longs(steps));
    }

    /** Mean over {@code axes} (attribute below opset 18, input from 18 on). */
    public Value reduceMean(Value x, boolean keepDims, long... axes) {
        if (opset < 18) {
            return op("ReduceMean", x.type(), List.of(x), attr("axes", axes), attr("keepdims", keepDims ? 1 : 0));
        }
        return op("ReduceMean", x.type(), List.of(x, longs(axes)), attr("keepdims", keepDims ? 1 : 0));
    }

    /**
     * Nearest-neighbour resize by per-axis scales, with {@code out[i] = in[floor(i / scale)]} (asymmetric
     * coordinates, floor rounding), i.e. plain pixel repetition for integer scales.
     */
    public Value resizeNearest(Value x, float... scales) {
        Value scaleTensor = constant(ElementType.FLOAT32, new long[] {scales.length}, scales);
        return op("Resize", x.type(), java.util.Arrays.asList(x, null, scaleTensor), attr("mode", "nearest"),
                attr("coordinate_transformation_mode", "asymmetric"), attr("nearest_mode", "floor"));
    }

    public Value shape(Value x) {
        return op("Shape", ElementType.INT64, x);
    }

    public Value gather(Value data, Value indices, int axis) {
        return op("Gather", data.type(), List.of(data, indices), attr("axis", axis));
    }

    public Value unsqueeze(Value x, long... axes) {
        return op("Unsqueeze", x.type(), x, longs(axes));
    }

    public Value squeeze(Value x, long... axes) {
        return op("Squeeze", x.type(), x, longs(axes));
    }

    public Value expand(Value x, Value shape) {
        return op("Expand", x.type(), x, shape);
    }

    // ---- normalisation ------------------------------------------------------------------------------------

    public Value layerNorm(Value x, Value scale, Value bias, int axis, float epsilon) {
        return op("LayerNormalization", x.type(), List.of(x, scale, bias), attr("axis", axis),
                attr("epsilon", epsilon));
    }

    public Value instanceNorm(Value x, Value scale, Value bias, float epsilon) {
        return op("InstanceNormalization", x.type(), List.of(x, scale, bias), attr("epsilon", epsilon));
    }

    /**
     * GroupNorm over an NCHW tensor as PyTorch exports it: reshape to [N, groups, -1], InstanceNormalization
     * with unit scale, reshape back, then per-channel scale {@code gamma} [C] and shift {@code beta} [C].
     */
    public Value groupNorm(Value x, int groups, Value gamma, Value beta, float epsilon) {
        float[] ones = new float[groups];
        java.util.Arrays.fill(ones, 1f);
        Value unit = constant(x.type(), new long[] {groups}, ones);
        Value zero = constant(x.type(), new long[] {groups}, new float[groups]);
        Value grouped = reshape(x, 0, groups, -1);
        Value normed = reshape(instanceNorm(grouped, unit, zero, epsilon), shape(x));
        Value g = unsqueeze(gamma, 1, 2);
        Value b = unsqueeze(beta, 1, 2);
        return add(mul(normed, g), b);
    }

    // ---- generic ------------------------------------------------------------------------------------------

    /** Any single-output op; {@code inputs} may contain null for an omitted optional input. */
    public Value op(String opType, ElementType outType, List<Value> inputs, AttributeProto... attrs) {
        List<String> ins = new ArrayList<>();
        for (Value v : inputs) {
            if (v == null) {
                ins.add("");
            } else {
                check(v);
                ins.add(v.name());
            }
        }
        String out = fresh(opType);
        graph.addNode(node(opType, ins, List.of(out), attrs));
        return new Value(out, outType, this);
    }

    /** Any op with several outputs, one element type per output. */
    public Value[] ops(String opType, List<ElementType> outTypes, List<Value> inputs, AttributeProto... attrs) {
        List<String> ins = new ArrayList<>();
        for (Value v : inputs) {
            if (v == null) {
                ins.add("");
            } else {
                check(v);
                ins.add(v.name());
            }
        }
        List<String> outs = new ArrayList<>();
        Value[] result = new Value[outTypes.size()];
        for (int i = 0; i < result.length; i++) {
            outs.add(fresh(opType));
            result[i] = new Value(outs.get(i), outTypes.get(i), this);
        }
        graph.addNode(node(opType, ins, outs, attrs));
        return result;
    }

    private Value op(String opType, ElementType outType, Value... inputs) {
        return op(opType, outType, java.util.Arrays.asList(inputs));
    }

    public static AttributeProto attr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static AttributeProto attr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    public static AttributeProto attr(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(value)).build();
    }

    public static AttributeProto attr(String name, long[] values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    public static AttributeProto attr(String name, float[] values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS);
        for (float v : values) {
            b.addFloats(v);
        }
        return b.build();
    }

    public static AttributeProto attr(String name, TensorProto value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR).setT(value).build();
    }

    // ---- internals ----------------------------------------------------------------------------------------

    private NodeProto node(String opType, List<String> ins, List<String> outs, AttributeProto... attrs) {
        return NodeProto.newBuilder().setOpType(opType).setName(opType + "_" + (counter++))
                .addAllInput(ins).addAllOutput(outs).addAllAttribute(List.of(attrs)).build();
    }

    private String fresh(String prefix) {
        String name;
        do {
            name = "/" + prefix + "_" + (counter++);
        } while (names.contains(name));
        names.add(name);
        return name;
    }

    private void claim(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("value names must not be empty");
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException("value name '" + name + "' is already used in graph " + graphName);
        }
    }

    private void check(Value v) {
        if (v.owner() != this) {
            throw new IllegalArgumentException("value " + v + " belongs to another graph");
        }
    }

    private static ValueInfoProto valueInfo(String name, ElementType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof Number n) {
                dim.setDimValue(n.longValue());
            } else if (d instanceof String s) {
                dim.setDimParam(s);
            } else {
                throw new IllegalArgumentException("dimension of " + name + " must be a number or a symbol: " + d);
            }
            shape.addDim(dim);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.onnxCode()).setShape(shape))).build();
    }
}
