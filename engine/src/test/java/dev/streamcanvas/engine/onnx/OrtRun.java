package dev.streamcanvas.engine.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.streamcanvas.engine.io.Half;
import dev.streamcanvas.engine.model.OnnxGraph;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helper: feeds numbers to an {@link OnnxGraph} in whatever element type its inputs declare. */
final class OrtRun {
    private OrtRun() {
    }

    /** An input value: data as doubles (converted to the declared type) and its shape. */
    record In(double[] data, long... shape) {
    }

    /** Output tensor as doubles with its shape. */
    record Out(double[] data, long[] shape) {
    }

    static Map<String, Out> run(OnnxGraph graph, Map<String, In> inputs) throws OrtException {
        OrtEnvironment env = graph.environment();
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        List<OnnxTensor> owned = new ArrayList<>();
        try {
            for (Map.Entry<String, In> e : inputs.entrySet()) {
                TensorInfo info = graph.input(e.getKey()).orElseThrow(
                        () -> new IllegalArgumentException("no input " + e.getKey() + " in " + graph));
                OnnxTensor t = tensor(env, info.type(), e.getValue());
                owned.add(t);
                feeds.put(e.getKey(), t);
            }
            Map<String, Out> outs = new LinkedHashMap<>();
            try (OrtSession.Result result = graph.session().run(feeds)) {
                for (Map.Entry<String, ai.onnxruntime.OnnxValue> r : result) {
                    OnnxTensor t = (OnnxTensor) r.getValue();
                    outs.put(r.getKey(), read(t));
                }
            }
            return outs;
        } finally {
            for (OnnxTensor t : owned) {
                t.close();
            }
        }
    }

    static OnnxTensor tensor(OrtEnvironment env, ElementType type, In in) throws OrtException {
        double[] d = in.data();
        ByteBuffer b = ByteBuffer.allocateDirect(d.length * Math.max(1, type.byteSize())).order(ByteOrder.nativeOrder());
        for (double v : d) {
            switch (type) {
                case FLOAT32 -> b.putFloat((float) v);
                case FLOAT16 -> b.putShort(Half.fromFloat((float) v));
                case INT64 -> b.putLong((long) v);
                case INT32 -> b.putInt((int) v);
                default -> throw new IllegalArgumentException("type " + type);
            }
        }
        b.flip();
        OnnxJavaType jt = switch (type) {
            case FLOAT32 -> OnnxJavaType.FLOAT;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case INT64 -> OnnxJavaType.INT64;
            default -> OnnxJavaType.INT32;
        };
        return OnnxTensor.createTensor(env, b, in.shape(), jt);
    }

    static Out read(OnnxTensor t) {
        ai.onnxruntime.TensorInfo info = t.getInfo();
        ByteBuffer b = t.getByteBuffer().order(ByteOrder.nativeOrder());
        int n = (int) info.getNumElements();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (info.type) {
                case FLOAT -> b.getFloat();
                case FLOAT16 -> Half.toFloat(b.getShort());
                case INT64 -> b.getLong();
                case INT32 -> b.getInt();
                default -> throw new IllegalArgumentException("type " + info.type);
            };
        }
        return new Out(out, info.getShape());
    }
}
