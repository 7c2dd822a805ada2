package dev.streamcanvas.engine.assign;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.streamcanvas.engine.onnx.ElementType;
import dev.streamcanvas.engine.model.OnnxGraph;
import dev.streamcanvas.engine.onnx.GraphBuilder;
import dev.streamcanvas.engine.onnx.Value;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plain L2 cost matrix on ONNX Runtime's CPU GEMM (MLAS): one tiny graph per shape,
 * {@code sqrt(relu(-2 a b^T + |b|^2 + |a|^2))}, i.e. a Gemm with transposed B whose bias is the row of squared
 * noise norms, plus the column of squared image norms, clamped at zero and square-rooted. The squared norms are
 * computed here in double and handed to the graph as float32; the dot products are accumulated in float32 by
 * MLAS. On image/noise batches the result matches {@link CostMatrix#l2} (the Java reference) to about 1e-6
 * relative.
 *
 * <p>Each shape (n, m, d) gets its own session with pre-allocated direct buffers for its inputs and its pinned
 * output, so a stream of same-shape calls (a training run) allocates no native memory after the first. At most
 * {@code maxShapes} shapes are kept (least recently used first out); a session pushed out of the cache is closed
 * at once, and {@link #close()} closes the rest. Problems smaller than {@link #MIN_MULTIPLY_ADDS} multiply-adds go to
 * the Java product, which is faster there than a native call (and needs no session per odd group size).
 *
 * <p>Thread-safety: {@link #l2} is synchronized; concurrent callers take turns.
 */
public final class OrtCostMatrix implements CostMatrix.Backend, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OrtCostMatrix.class);
    /**
     * Below n*m*d of this (about a million multiply-adds: under a millisecond on the Java product) the Java product
     * is used, so that odd small shapes (per-class groups) do not each start a session.
     */
    public static final long MIN_MULTIPLY_ADDS = 1L << 20;
    /** Largest n*m or n*d handled (direct buffers are int-indexed). */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE / Float.BYTES;

    private static OrtCostMatrix shared;

    private final int intraOpThreads;
    private final int maxShapes;
    private final long minMultiplyAdds;
    private final LinkedHashMap<Shape, Slot> slots = new LinkedHashMap<>(8, 0.75f, true); // access order: LRU first
    private int sessionsOpened;
    private int sessionsClosed;
    private boolean closed;

    /**
     * @param intraOpThreads threads ORT may use for one product (0: ORT's default, one per core)
     * @param maxShapes      sessions kept at most (one per shape), at least 1
     */
    public OrtCostMatrix(int intraOpThreads, int maxShapes) {
        this(intraOpThreads, maxShapes, MIN_MULTIPLY_ADDS);
    }

    /** As {@link #OrtCostMatrix(int, int)} with the size below which the Java product is used (0: never). */
    public OrtCostMatrix(int intraOpThreads, int maxShapes, long minMultiplyAdds) {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + intraOpThreads);
        }
        if (maxShapes < 1) {
            throw new IllegalArgumentException("maxShapes must be at least 1, got " + maxShapes);
        }
        if (minMultiplyAdds < 0) {
            throw new IllegalArgumentException("minMultiplyAdds must be >= 0, got " + minMultiplyAdds);
        }
        this.intraOpThreads = intraOpThreads;
        this.maxShapes = maxShapes;
        this.minMultiplyAdds = minMultiplyAdds;
    }

    /**
     * The process-wide instance {@link NoiseAssignment#assign(float[], float[], int, int,
     * NoiseAssignment.Quantization)} uses: ORT's default threads, two shapes kept (a training run has one). Its
     * sessions are closed when pushed out by a third shape, or by {@link #closeShared()}; callers with a lifetime
     * of their own (a command, a trainer) should own an instance instead and close it.
     */
    public static synchronized OrtCostMatrix shared() {
        if (shared == null || shared.isClosed()) {
            shared = new OrtCostMatrix(0, 2);
        }
        return shared;
    }

    /** Closes the process-wide instance's sessions (a later {@link #shared()} starts a fresh one). */
    public static synchronized void closeShared() {
        if (shared != null) {
            shared.close();
            shared = null;
        }
    }

    /**
     * Distances between every row of {@code a} and every row of {@code b}.
     *
     * @param a [n, d] row-major
     * @param b [m, d] row-major
     * @return [n, m] row-major: entry (i, j) is |a_i - b_j|
     */
    @Override
    public synchronized float[] l2(float[] a, int n, float[] b, int m, int d) {
        if (closed) {
            throw new IllegalStateException("this ORT cost matrix is closed");
        }
        if (n < 0 || m < 0 || d < 1) {
            throw new IllegalArgumentException("shape [" + n + ", " + d + "] x [" + m + ", " + d + "] is not valid");
        }
        if (a.length != (long) n * d) {
            throw new IllegalArgumentException("first matrix holds " + a.length + " values, expected n*d = " + n + "*" + d);
        }
        if (b.length != (long) m * d) {
            throw new IllegalArgumentException("second matrix holds " + b.length + " values, expected m*d = " + m + "*" + d);
        }
        if (n == 0 || m == 0 || (long) n * m * d < minMultiplyAdds) {
            return CostMatrix.l2(a, n, b, m, d);
        }
        if ((long) n * m > MAX_ELEMENTS || (long) n * d > MAX_ELEMENTS || (long) m * d > MAX_ELEMENTS) {
            throw new IllegalArgumentException("shape [" + n + ", " + d + "] x [" + m + ", " + d
                    + "] is too large for one ORT product (at most " + MAX_ELEMENTS + " values per tensor)");
        }
        Slot slot = slot(new Shape(n, m, d));
        try {
            return slot.run(a, b);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cost matrix [" + n + ", " + d + "] x [" + m + ", " + d
                    + "] failed: " + e.getMessage(), e);
        }
    }

    /** Shapes with an open session now. */
    public synchronized int openSessions() {
        return slots.size();
    }

    /** Sessions opened so far, and closed so far (equal after {@link #close()}). */
    public synchronized int sessionsOpened() {
        return sessionsOpened;
    }

    public synchronized int sessionsClosed() {
        return sessionsClosed;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Closes every cached session and its tensors; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Slot s : slots.values()) {
            closeSlot(s);
        }
        slots.clear();
    }

    private Slot slot(Shape shape) {
        Slot s = slots.get(shape);
        if (s != null) {
            return s;
        }
        while (slots.size() >= maxShapes) {
            Iterator<Map.Entry<Shape, Slot>> eldest = slots.entrySet().iterator();
            Slot old = eldest.next().getValue();
            eldest.remove();
            closeSlot(old);
        }
        try {
            s = new Slot(OnnxGraph.sharedEnvironment(), shape, intraOpThreads);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not create the cost-matrix session for " + shape
                    + ": " + e.getMessage(), e);
        }
        sessionsOpened++;
        slots.put(shape, s);
        LOG.debug("cost-matrix session for {} opened ({} cached)", shape, slots.size());
        return s;
    }

    /** The cached sessions, least recently used first (for tests that check they get closed). */
    synchronized java.util.List<OrtSession> sessionsForTest() {
        return slots.values().stream().map(s -> s.session).toList();
    }

    /** The cached sessions' input and pinned output tensors (for tests that check they get closed). */
    synchronized java.util.List<OnnxTensor> tensorsForTest() {
        java.util.List<OnnxTensor> out = new java.util.ArrayList<>();
        for (Slot s : slots.values()) {
            out.addAll(s.feeds.values());
            out.addAll(s.pinned.values());
        }
        return out;
    }

    private void closeSlot(Slot s) {
        s.close();
        sessionsClosed++;
    }

    /** The graph for one shape: inputs a [n, d], b [m, d], a2 [n, 1], b2 [m]; output cost [n, m]. */
    static byte[] graph(int n, int m, int d) {
        GraphBuilder g = new GraphBuilder("l2_cost_matrix");
        Value a = g.input("a", ElementType.FLOAT32, n, d);
        Value b = g.input("b", ElementType.FLOAT32, m, d);
        Value a2 = g.input("a2", ElementType.FLOAT32, n, 1);
        Value b2 = g.input("b2", ElementType.FLOAT32, m);
        // Gemm: -2 a b^T + b2 (broadcast over rows), then + a2 (broadcast over columns)
        Value gemm = g.op("Gemm", ElementType.FLOAT32, java.util.List.of(a, b, b2),
                GraphBuilder.attr("transB", 1L), GraphBuilder.attr("alpha", -2f), GraphBuilder.attr("beta", 1f));
        Value cost = g.sqrt(g.relu(g.add(gemm, a2)));
        g.output(cost, "cost", n, m);
        return g.build().toByteArray();
    }

    private record Shape(int n, int m, int d) {
        @Override
        public String toString() {
            return "[" + n + ", " + d + "] x [" + m + ", " + d + "]";
        }
    }

    /** One shape's session, its options and its four input tensors and pinned output over direct buffers. */
    private static final class Slot implements AutoCloseable {
        private final Shape shape;
        private final OrtSession.SessionOptions options;
        private final OrtSession session;
        private final FloatBuffer a;
        private final FloatBuffer b;
        private final FloatBuffer a2;
        private final FloatBuffer b2;
        private final FloatBuffer cost;
        private final Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        private final Map<String, OnnxTensor> pinned = new LinkedHashMap<>();

        Slot(OrtEnvironment env, Shape shape, int intraOpThreads) throws OrtException {
            this.shape = shape;
            int n = shape.n();
            int m = shape.m();
            int d = shape.d();
            a = direct((long) n * d);
            b = direct((long) m * d);
            a2 = direct(n);
            b2 = direct(m);
            cost = direct((long) n * m);
            OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
            OrtSession s = null;
            try {
                opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                if (intraOpThreads > 0) {
                    opts.setIntraOpNumThreads(intraOpThreads);
                }
                // no busy-waiting between products: in a training loop it would take the trainer's cores
                opts.addConfigEntry("session.intra_op.allow_spinning", "0");
                s = env.createSession(graph(n, m, d), opts);
                feeds.put("a", OnnxTensor.createTensor(env, a, new long[] {n, d}));
                feeds.put("b", OnnxTensor.createTensor(env, b, new long[] {m, d}));
                feeds.put("a2", OnnxTensor.createTensor(env, a2, new long[] {n, 1}));
                feeds.put("b2", OnnxTensor.createTensor(env, b2, new long[] {m}));
                pinned.put("cost", OnnxTensor.createTensor(env, cost, new long[] {n, m}));
            } catch (OrtException | RuntimeException e) {
                closeTensors();
                if (s != null) {
                    s.close();
                }
                opts.close();
                throw e;
            }
            options = opts;
            session = s;
        }

        float[] run(float[] x, float[] y) throws OrtException {
            fill(a, x);
            fill(b, y);
            norms(a2, x, shape.n(), shape.d());
            norms(b2, y, shape.m(), shape.d());
            session.run(feeds, pinned).close(); // the pinned output stays owned by this slot
            float[] out = new float[shape.n() * shape.m()];
            cost.clear();
            cost.get(out);
            return out;
        }

        private static void fill(FloatBuffer buf, float[] src) {
            buf.clear();
            buf.put(src);
        }

        private static void norms(FloatBuffer buf, float[] x, int rows, int d) {
            double[] sq = CostMatrix.squaredNorms(x, rows, d);
            buf.clear();
            for (double v : sq) {
                buf.put((float) v);
            }
        }

        private static FloatBuffer direct(long floats) {
            return ByteBuffer.allocateDirect(Math.toIntExact(floats * Float.BYTES)).order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
        }

        private void closeTensors() {
            for (OnnxTensor t : feeds.values()) {
                t.close();
            }
            for (OnnxTensor t : pinned.values()) {
                t.close();
            }
            feeds.clear();
            pinned.clear();
        }

        @Override
        public void close() {
            closeTensors();
            try {
                session.close();
            } catch (OrtException e) {
                LOG.warn("closing the cost-matrix session for {} failed: {}", shape, e.getMessage());
            }
            options.close();
        }
    }
}
