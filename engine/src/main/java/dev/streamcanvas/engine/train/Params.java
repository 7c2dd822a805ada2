package dev.streamcanvas.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.streamcanvas.engine.assign.Gaussian;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The named weights of one model, owned by one {@link NDManager}, with deterministic initialisation (values are
 * drawn in Java from a seed, so runs do not depend on the engine's RNG) and an Adam optimiser state.
 * Not thread-safe.
 */
public final class Params implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> weights = new LinkedHashMap<>();
    private final Map<String, NDArray> adamM = new LinkedHashMap<>();
    private final Map<String, NDArray> adamV = new LinkedHashMap<>();
    private final SplittableRandom init;
    private long adamSteps;
    private double lastGradNorm;

    public Params(NDManager parent, long seed) {
        this.manager = parent.newSubManager();
        this.init = new SplittableRandom(seed);
    }

    /** Weight initialised uniformly in +-sqrt(1/fanIn) * gain (PyTorch's default scale for gain 1). */
    NDArray uniform(String name, int fanIn, float gain, long... shape) {
        int n = (int) new Shape(shape).size();
        float bound = (float) (gain / Math.sqrt(fanIn));
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((init.nextDouble() * 2 - 1) * bound);
        }
        return put(name, v, shape);
    }

    NDArray normal(String name, float std, long... shape) {
        int n = (int) new Shape(shape).size();
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (Gaussian.next(init) * std);
        }
        return put(name, v, shape);
    }

    NDArray constant(String name, float value, long... shape) {
        float[] v = new float[(int) new Shape(shape).size()];
        java.util.Arrays.fill(v, value);
        return put(name, v, shape);
    }

    private NDArray put(String name, float[] v, long... shape) {
        if (weights.containsKey(name)) {
            throw new IllegalStateException("parameter " + name + " defined twice");
        }
        NDArray a = manager.create(v, new Shape(shape));
        a.setRequiresGradient(true);
        weights.put(name, a);
        return a;
    }

    /** The weight called {@code name}; fails naming it when absent. */
    public NDArray get(String name) {
        NDArray a = weights.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter named " + name);
        }
        return a;
    }

    public Map<String, NDArray> all() {
        return Collections.unmodifiableMap(weights);
    }

    public long count() {
        long n = 0;
        for (NDArray a : weights.values()) {
            n += a.size();
        }
        return n;
    }

    /** Lends every weight to {@code step} until it closes, so results of ops on weights are freed with the step. */
    public void lendTo(NDManager step) {
        for (NDArray a : weights.values()) {
            a.tempAttach(step);
        }
    }

    /**
     * One Adam update from the accumulated gradients, which are then zeroed. Call outside a gradient collector.
     * A step whose gradient norm is not finite (an inf or NaN anywhere) is skipped: the gradients are zeroed and
     * neither the weights nor the optimiser state change, since one such step would turn every weight into NaN.
     *
     * @return false when the step was skipped for a non-finite gradient
     */
    public boolean adamStep(float lr, float beta1, float beta2, float eps, float clipNorm) {
        // PyTorch's grad mode is per thread and on by default: in-place updates of leaves need it off
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            adamM.computeIfAbsent(e.getKey(), k -> manager.zeros(e.getValue().getShape()));
            adamV.computeIfAbsent(e.getKey(), k -> manager.zeros(e.getValue().getShape()));
        }
        try (NDManager tmp = manager.newSubManager()) {
            lendTo(tmp);
            for (NDArray a : adamM.values()) {
                a.tempAttach(tmp);
            }
            for (NDArray a : adamV.values()) {
                a.tempAttach(tmp);
            }
            Map<String, NDArray> grads = new LinkedHashMap<>();
            double sq = 0;
            for (Map.Entry<String, NDArray> e : weights.entrySet()) {
                NDArray g = e.getValue().getGradient();
                g.tempAttach(tmp);
                grads.put(e.getKey(), g);
                sq += g.square().sum().getFloat();
            }
            double norm = Math.sqrt(sq);
            lastGradNorm = norm;
            if (!Double.isFinite(norm)) {
                for (NDArray g : grads.values()) {
                    clear(g);
                }
                return false;
            }
            adamSteps++;
            float scale = clipNorm > 0 && norm > clipNorm ? (float) (clipNorm / norm) : 1f;
            float bc1 = (float) (1 - Math.pow(beta1, adamSteps));
            float bc2 = (float) (1 - Math.pow(beta2, adamSteps));
            for (Map.Entry<String, NDArray> e : weights.entrySet()) {
                String name = e.getKey();
                NDArray w = e.getValue();
                NDArray g = grads.get(name);
                NDArray m = adamM.get(name);
                NDArray v = adamV.get(name);
                NDArray gs = g.mul(scale);
                m.muli(beta1).addi(gs.mul(1 - beta1));
                v.muli(beta2).addi(gs.square().mul(1 - beta2));
                w.subi(m.div(bc1).div(v.div(bc2).sqrt().add(eps)).mul(lr));
                g.subi(g);
            }
        }
        return true;
    }

    /**
     * Forgets the Adam state (moments and step count), as a fresh optimiser: the next {@link #adamStep} is a first
     * step again, with its bias correction.
     */
    public void resetOptimizer() {
        adamM.values().forEach(NDArray::close);
        adamV.values().forEach(NDArray::close);
        adamM.clear();
        adamV.clear();
        adamSteps = 0;
    }

    /** Sets every accumulated gradient to zero (overwriting inf/NaN too). */
    public void zeroGradients() {
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        try (NDManager tmp = manager.newSubManager()) {
            lendTo(tmp);
            for (NDArray w : weights.values()) {
                NDArray g = w.getGradient();
                g.tempAttach(tmp);
                clear(g);
            }
        }
    }

    /** Fills a gradient with zeros in place (multiplying by 0 would keep NaN; set(float[]) would swap the tensor). */
    private static void clear(NDArray g) {
        g.set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
    }

    /** Gradient norm (before clipping) of the last {@link #adamStep}. */
    public double lastGradNorm() {
        return lastGradNorm;
    }

    public long adamSteps() {
        return adamSteps;
    }

    /** Writes weights and optimiser state (names, shapes, float32 values). */
    void write(DataOutputStream out) throws IOException {
        out.writeLong(adamSteps);
        out.writeInt(weights.size());
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            String name = e.getKey();
            out.writeUTF(name);
            writeArray(out, e.getValue());
            writeArray(out, adamM.get(name));
            writeArray(out, adamV.get(name));
        }
    }

    /** Reads what {@link #write} wrote into weights of the same names and shapes. */
    void read(DataInputStream in, String source) throws IOException {
        // in-place writes into leaves that require gradients need grad mode off (it is per thread)
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        adamSteps = in.readLong();
        int n = in.readInt();
        if (n != weights.size()) {
            throw new IOException(source + ": checkpoint holds " + n + " tensors, the model has " + weights.size()
                    + " (different model configuration?)");
        }
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            NDArray w = weights.get(name);
            if (w == null) {
                throw new IOException(source + ": checkpoint tensor " + name + " is not in the model");
            }
            float[] vals = readArray(in, w.getShape(), name, source);
            overwrite(w, vals);
            float[] m = readArray(in, w.getShape(), name, source);
            float[] v = readArray(in, w.getShape(), name, source);
            if (m != null) {
                overwrite(adamM.computeIfAbsent(name, k -> manager.zeros(w.getShape())), m);
                overwrite(adamV.computeIfAbsent(name, k -> manager.zeros(w.getShape())), v);
            }
        }
    }

    /**
     * Copies {@code vals} into {@code dst}'s own memory. Not {@code NDArray.set(float[])}: on PyTorch that swaps the
     * tensor's storage for one borrowed from a Java buffer, so views, gradients and autograd stop sharing it.
     */
    private void overwrite(NDArray dst, float[] vals) {
        try (NDArray src = manager.create(vals, dst.getShape())) {
            dst.set(new ai.djl.ndarray.index.NDIndex("..."), src);
        }
    }

    private static void writeArray(DataOutputStream out, NDArray a) throws IOException {
        if (a == null) {
            out.writeInt(-1);
            return;
        }
        float[] v = a.toFloatArray();
        out.writeInt(v.length);
        for (float f : v) {
            out.writeFloat(f);
        }
    }

    private static float[] readArray(DataInputStream in, Shape shape, String name, String source) throws IOException {
        int len = in.readInt();
        if (len < 0) {
            return null;
        }
        if (len != shape.size()) {
            throw new IOException(source + ": tensor " + name + " has " + len + " values, the model expects shape " + shape);
        }
        float[] v = new float[len];
        for (int i = 0; i < len; i++) {
            v[i] = in.readFloat();
        }
        return v;
    }

    /** Overwrites every weight with {@code other}'s weight of the same name (same shapes; optimiser state untouched). */
    void copyFrom(Params other) {
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        requireSameNames(other);
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            e.getValue().set(new ai.djl.ndarray.index.NDIndex("..."), other.get(e.getKey()));
        }
    }

    /** Exponential moving average in place: w = decay * w + (1 - decay) * other's w, for every weight. */
    void emaFrom(Params other, float decay) {
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        requireSameNames(other);
        try (NDManager tmp = manager.newSubManager();
                NDArray keep = tmp.full(new Shape(), decay, ai.djl.ndarray.types.DataType.FLOAT32);
                NDArray take = tmp.full(new Shape(), 1 - decay, ai.djl.ndarray.types.DataType.FLOAT32)) {
            for (Map.Entry<String, NDArray> e : weights.entrySet()) {
                try (NDArray add = other.get(e.getKey()).mul(take)) {
                    e.getValue().muli(keep).addi(add);
                }
            }
        }
    }

    private void requireSameNames(Params other) {
        if (!weights.keySet().equals(other.weights.keySet())) {
            throw new IllegalArgumentException("the two models have different parameters");
        }
    }

    /** A copy of every weight as a float array, by name (for export and metrics). */
    public Map<String, float[]> snapshot() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            out.put(e.getKey(), e.getValue().toFloatArray());
        }
        return out;
    }

    public Shape shapeOf(String name) {
        return get(name).getShape();
    }

    @Override
    public void close() {
        manager.close();
    }
}
