package dev.streamcanvas.engine.v2v;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.streamcanvas.engine.model.OnnxGraph;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs an in-memory model on ONNX Runtime (CPU) with float inputs; for the v2v tests. */
final class OrtRun implements AutoCloseable {
    /** A float tensor: data and shape. */
    record T(float[] data, long[] shape) {
        static T of(float[] data, long... shape) {
            return new T(data, shape);
        }

        static T empty(long... shape) {
            return new T(new float[0], shape);
        }
    }

    private final OrtEnvironment env = OnnxGraph.sharedEnvironment();
    private final OrtSession session;
    private final OrtSession.SessionOptions options = new OrtSession.SessionOptions();

    OrtRun(ModelProto model) throws Exception {
        options.setIntraOpNumThreads(1);
        session = env.createSession(model.toByteArray(), options);
    }

    /** Output names of the session. */
    List<String> outputs() throws Exception {
        return new ArrayList<>(session.getOutputNames());
    }

    Map<String, T> run(Map<String, T> inputs, List<String> wanted) throws Exception {
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, T> e : inputs.entrySet()) {
                feeds.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue().data()),
                        e.getValue().shape()));
            }
            Map<String, T> out = new HashMap<>();
            try (OrtSession.Result r = session.run(feeds, new java.util.LinkedHashSet<>(wanted))) {
                for (String name : wanted) {
                    OnnxTensor t = (OnnxTensor) r.get(name).orElseThrow();
                    FloatBuffer fb = t.getFloatBuffer();
                    float[] data = new float[fb.remaining()];
                    fb.get(data);
                    out.put(name, new T(data, t.getInfo().getShape()));
                }
            }
            return out;
        } finally {
            for (OnnxTensor t : feeds.values()) {
                t.close();
            }
        }
    }

    static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Override
    public void close() throws Exception {
        session.close();
        options.close();
    }
}
