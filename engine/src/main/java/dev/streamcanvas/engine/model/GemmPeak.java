package dev.streamcanvas.engine.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.streamcanvas.engine.onnx.ElementType;
import dev.streamcanvas.engine.onnx.GraphBuilder;
import dev.streamcanvas.engine.onnx.Value;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * This CPU's attainable fp32 matrix-multiply rate through ONNX Runtime (the roofline's compute ceiling for the
 * models we run): one n x n by n x n MatMul graph, the best of several timed runs after warm-up, at ORT's default
 * thread count (as the model sessions use).
 */
public final class GemmPeak {
    private GemmPeak() {
    }

    /** GFLOP/s (2 n^3 per run) of the fastest of {@code runs} MatMuls at size {@code n}. */
    public static double measure(int n, int runs) throws OrtException {
        GraphBuilder b = new GraphBuilder("gemm_peak");
        Value a = b.input("a", ElementType.FLOAT32, n, n);
        float[] w = new float[n * n];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextDouble() - 0.5);
        }
        Value bm = b.initializer("b", ElementType.FLOAT32, new long[] {n, n}, w);
        b.output(b.matmul(a, bm), "c", n, n);
        byte[] model = b.build().toByteArray();
        OrtEnvironment env = OnnxGraph.sharedEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
                OrtSession s = env.createSession(model, opts);
                OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(w.clone()), new long[] {n, n})) {
            long best = Long.MAX_VALUE;
            for (int k = 0; k < runs + 2; k++) {
                long t0 = System.nanoTime();
                try (OrtSession.Result res = s.run(Map.of("a", in))) {
                    long dt = System.nanoTime() - t0;
                    if (k >= 2) {
                        best = Math.min(best, dt);
                    }
                }
            }
            return 2.0 * n * n * n / best;
        }
    }
}
