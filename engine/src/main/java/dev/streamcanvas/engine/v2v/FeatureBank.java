package dev.streamcanvas.engine.v2v;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The engine side of StreamV2V: the banks of an edited UNet ({@link AttentionGraphEdit}) per attn1 layer and per
 * UNet batch row, in direct buffers allocated once per (model, latent size, batch) and reused, plus the update
 * schedule and the merge.
 *
 * <p><b>How the UNet uses it</b> (the whole integration surface; see {@code Unet}):
 * <ol>
 *   <li>{@link #beginCall} at the start of a predict call, with the call's timesteps (the bank keeps one set of
 *       banks per distinct call, so the per-slot calls of sequential mode never share a bank) and latent size;</li>
 *   <li>{@link #bind} before each ONNX Runtime run over rows [start, start + rows): puts the bank inputs (empty
 *       [rows, 0, C] tensors while a bank is empty or the bank is off) into the feeds and returns the outputs to
 *       pin (on an update call, the current K, V, O are pinned into the bank's own buffers);</li>
 *   <li>{@link #endCall} after the call: counts it and, every {@code interval} calls, fills an empty bank with the
 *       call's K, V, O or merges them in ({@link TokenMerge}).</li>
 * </ol>
 * The stream core only calls {@link #configure} (with the reset decision) and {@link #reset}. Similarity-filter
 * skips never reach the UNet, so they do not advance the counter. Engine thread only; not thread-safe.
 */
public final class FeatureBank implements AutoCloseable {
    private static final int MAX_GROUPS = 8;

    private final BankLayout layout;
    private final OrtEnvironment env;
    private final List<Group> groups = new ArrayList<>();
    private final TokenMerge merge = new TokenMerge(0);
    private final OnnxTensor strength;
    private final OnnxTensor threshold;
    private final FloatBuffer strengthValue;
    private final FloatBuffer thresholdValue;
    private final Map<String, OnnxTensor> pinnedWithBank = new HashMap<>();
    private BankSettings settings = BankSettings.OFF;
    private long seed;
    private Group current;
    private boolean capture;
    private long updates;
    private long merges;
    private long mergeNanos;
    // merge workspace, grown to the largest layer
    private float[][] x = new float[3][0];
    private float[][] out = new float[3][0];
    private boolean closed;

    /**
     * @param layout the layer table of the edited UNet (every layer needs a known level)
     * @throws IllegalArgumentException when a layer's token count cannot be derived from the latent size
     */
    public FeatureBank(BankLayout layout, OrtEnvironment env) throws OrtException {
        this.layout = Objects.requireNonNull(layout);
        this.env = Objects.requireNonNull(env);
        for (BankLayer l : layout.layers()) {
            if (l.level() < 0) {
                throw new IllegalArgumentException("layer " + l.name() + " has no known spatial level");
            }
        }
        ByteBuffer s = direct(1);
        ByteBuffer t = direct(1);
        strengthValue = s.asFloatBuffer();
        thresholdValue = t.asFloatBuffer();
        strength = OnnxTensor.createTensor(env, s, new long[0], OnnxJavaType.FLOAT);
        threshold = OnnxTensor.createTensor(env, t, new long[0], OnnxJavaType.FLOAT);
        applyFusionScalars();
    }

    public BankLayout layout() {
        return layout;
    }

    public BankSettings settings() {
        return settings;
    }

    /**
     * Applies settings. {@code reset} empties every bank (seed, t_index/steps, size, guidance layout or input
     * changed); a prompt change passes false and keeps them. Turning the bank off also empties it.
     */
    public void configure(BankSettings s, long seed, boolean reset) {
        boolean off = settings.enabled() && !s.enabled();
        settings = Objects.requireNonNull(s);
        applyFusionScalars();
        if (reset || off || seed != this.seed) {
            this.seed = seed;
            reset();
        }
    }

    /** Empties every bank and restarts the counters and the merge's random stream (buffers are kept). */
    public void reset() {
        for (Group g : groups) {
            g.calls = 0;
            g.filled = false;
        }
        merge.reseed(seed);
    }

    /** Bank updates so far (fills and merges). */
    public long updates() {
        return updates;
    }

    /** Merges so far and the nanoseconds they took in total (per-update cost = mergeNanos / merges). */
    public long merges() {
        return merges;
    }

    public long mergeNanos() {
        return mergeNanos;
    }

    /** Whether the banks of the group used last are filled (for tests and diagnostics). */
    public boolean filled() {
        return current != null && current.filled;
    }

    // ---- the UNet's hooks -----------------------------------------------------------------------------------

    /** Start of a UNet call over {@code batch} rows with these timesteps at latent size h x w. */
    public void beginCall(int[] timesteps, int batch, int h, int w) {
        current = group(timesteps, batch, h, w);
        capture = settings.enabled() && current.calls % settings.interval() == 0;
    }

    /**
     * Puts the bank inputs for rows [start, start + rows) of the current call into {@code feeds} and returns the
     * outputs to pin: {@code pinned} itself, or on an update call {@code pinned} plus this call's K, V, O written
     * straight into the bank's buffers.
     */
    public Map<String, OnnxTensor> bind(Map<String, OnnxTensor> feeds, Map<String, OnnxTensor> pinned, int start,
            int rows) throws OrtException {
        Group g = current;
        boolean full = settings.enabled() && g.filled;
        for (int i = 0; i < layout.size(); i++) {
            BankLayer l = layout.layers().get(i);
            Store st = g.stores[i];
            OnnxTensor[] in = full ? st.views(st.bank, start, rows) : st.empty(rows);
            feeds.put(l.bankK(), in[0]);
            feeds.put(l.bankV(), in[1]);
            if (l.fusion()) {
                // strength 0: an empty O bank skips the fusion subgraph's similarity work as well
                feeds.put(l.bankO(), full && settings.fusionStrength() > 0 ? in[2] : st.empty(rows)[2]);
            }
        }
        if (layout.fusionCount() > 0) {
            feeds.put(AttentionGraphEdit.STRENGTH, strength);
            feeds.put(AttentionGraphEdit.THRESHOLD, threshold);
        }
        if (!capture) {
            return pinned;
        }
        pinnedWithBank.clear();
        pinnedWithBank.putAll(pinned);
        for (int i = 0; i < layout.size(); i++) {
            BankLayer l = layout.layers().get(i);
            Store st = g.stores[i];
            OnnxTensor[] cur = st.views(st.cur, start, rows);
            pinnedWithBank.put(l.currentK(), cur[0]);
            pinnedWithBank.put(l.currentV(), cur[1]);
            if (l.fusion()) {
                pinnedWithBank.put(l.currentO(), cur[2]);
            }
        }
        return pinnedWithBank;
    }

    /** End of the UNet call: counts it and updates the banks on an update call. */
    public void endCall() {
        Group g = current;
        if (capture) {
            if (!g.filled) {
                for (Store st : g.stores) {
                    for (int f = 0; f < st.widths.length; f++) {
                        copy(st.cur[f], st.bank[f]);
                    }
                }
                g.filled = true;
            } else {
                long t0 = System.nanoTime();
                for (Store st : g.stores) {
                    mergeInto(st, g.batch);
                }
                mergeNanos += System.nanoTime() - t0;
                merges++;
            }
            updates++;
        }
        g.calls++;
        capture = false;
    }

    private void mergeInto(Store st, int batch) {
        int n = st.tokens;
        int features = st.widths.length;
        for (int f = 0; f < features; f++) {
            int need = 2 * n * st.widths[f];
            if (x[f].length < need) {
                x[f] = new float[need];
                out[f] = new float[need / 2];
            }
        }
        float[][] xs = Arrays.copyOf(x, features);
        float[][] outs = Arrays.copyOf(out, features);
        for (int r = 0; r < batch; r++) {
            for (int f = 0; f < features; f++) {
                int row = n * st.widths[f];
                FloatBuffer bank = st.bank[f].duplicate();
                bank.position(r * row);
                bank.get(x[f], 0, row);
                FloatBuffer cur = st.cur[f].duplicate();
                cur.position(r * row);
                cur.get(x[f], row, row);
            }
            merge.merge(n, settings.mergeRatio(), xs, st.widths, outs);
            for (int f = 0; f < features; f++) {
                int row = n * st.widths[f];
                FloatBuffer bank = st.bank[f].duplicate();
                bank.position(r * row);
                bank.put(out[f], 0, row);
            }
        }
    }

    private static void copy(FloatBuffer from, FloatBuffer to) {
        FloatBuffer src = from.duplicate();
        src.clear();
        FloatBuffer dst = to.duplicate();
        dst.clear();
        dst.put(src);
    }

    private void applyFusionScalars() {
        strengthValue.put(0, settings.fusionStrength());
        thresholdValue.put(0, settings.fusionThreshold());
    }

    // ---- storage ----------------------------------------------------------------------------------------------

    private Group group(int[] timesteps, int batch, int h, int w) {
        for (int i = 0; i < groups.size(); i++) {
            Group g = groups.get(i);
            if (g.batch == batch && Arrays.equals(g.timesteps, 0, batch, timesteps, 0, batch)) {
                if (g.h != h || g.w != w) {
                    g.close();
                    groups.set(i, new Group(Arrays.copyOf(timesteps, batch), batch, h, w));
                }
                return groups.get(i);
            }
        }
        if (groups.size() >= MAX_GROUPS) {
            groups.remove(0).close();
        }
        Group g = new Group(Arrays.copyOf(timesteps, batch), batch, h, w);
        groups.add(g);
        return g;
    }

    /** The banks of one kind of UNet call (one batch layout): per layer, bank and current buffers. */
    private final class Group implements AutoCloseable {
        final int[] timesteps;
        final int batch;
        final int h;
        final int w;
        final Store[] stores;
        long calls;
        boolean filled;

        Group(int[] timesteps, int batch, int h, int w) {
            this.timesteps = timesteps;
            this.batch = batch;
            this.h = h;
            this.w = w;
            stores = new Store[layout.size()];
            for (int i = 0; i < stores.length; i++) {
                BankLayer l = layout.layers().get(i);
                int div = 1 << l.level();
                int tokens = ceilDiv(h, div) * ceilDiv(w, div);
                int[] widths = l.fusion() ? new int[] {l.widthK(), l.widthV(), l.widthO()}
                        : new int[] {l.widthK(), l.widthV()};
                stores[i] = new Store(tokens, widths, batch);
            }
        }

        @Override
        public void close() {
            for (Store s : stores) {
                s.close();
            }
        }
    }

    /** One layer's buffers: bank and current, each [batch, N, width] per feature (K, V, O). */
    private final class Store implements AutoCloseable {
        final int tokens;
        final int[] widths;
        final FloatBuffer[] bank;
        final FloatBuffer[] cur;
        final ByteBuffer[] bankBytes;
        final ByteBuffer[] curBytes;
        final Map<Long, OnnxTensor[]> views = new HashMap<>();
        final Map<Integer, OnnxTensor[]> empties = new HashMap<>();

        Store(int tokens, int[] widths, int batch) {
            this.tokens = tokens;
            this.widths = widths;
            bank = new FloatBuffer[widths.length];
            cur = new FloatBuffer[widths.length];
            bankBytes = new ByteBuffer[widths.length];
            curBytes = new ByteBuffer[widths.length];
            for (int f = 0; f < widths.length; f++) {
                bankBytes[f] = direct(batch * tokens * widths[f]);
                curBytes[f] = direct(batch * tokens * widths[f]);
                bank[f] = bankBytes[f].asFloatBuffer();
                cur[f] = curBytes[f].asFloatBuffer();
            }
        }

        /** Tensors over rows [start, start + rows) of {@code which} (bank or cur), made once per range. */
        OnnxTensor[] views(FloatBuffer[] which, int start, int rows) throws OrtException {
            boolean isBank = which == bank;
            long key = ((long) start << 32) | ((long) rows << 1) | (isBank ? 1 : 0);
            OnnxTensor[] t = views.get(key);
            if (t == null) {
                ByteBuffer[] bytes = isBank ? bankBytes : curBytes;
                t = new OnnxTensor[widths.length];
                for (int f = 0; f < widths.length; f++) {
                    int rowBytes = tokens * widths[f] * Float.BYTES;
                    ByteBuffer slice = bytes[f].duplicate();
                    slice.position(start * rowBytes).limit((start + rows) * rowBytes);
                    t[f] = OnnxTensor.createTensor(env, slice.slice().order(ByteOrder.nativeOrder()),
                            new long[] {rows, tokens, widths[f]}, OnnxJavaType.FLOAT);
                }
                views.put(key, t);
            }
            return t;
        }

        /** [rows, 0, width] tensors: an empty bank. */
        OnnxTensor[] empty(int rows) throws OrtException {
            OnnxTensor[] t = empties.get(rows);
            if (t == null) {
                t = new OnnxTensor[widths.length];
                for (int f = 0; f < widths.length; f++) {
                    t[f] = OnnxTensor.createTensor(env, direct(0), new long[] {rows, 0, widths[f]}, OnnxJavaType.FLOAT);
                }
                empties.put(rows, t);
            }
            return t;
        }

        @Override
        public void close() {
            for (OnnxTensor[] ts : views.values()) {
                for (OnnxTensor t : ts) {
                    t.close();
                }
            }
            for (OnnxTensor[] ts : empties.values()) {
                for (OnnxTensor t : ts) {
                    t.close();
                }
            }
            views.clear();
            empties.clear();
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static ByteBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Group g : groups) {
            g.close();
        }
        groups.clear();
        strength.close();
        threshold.close();
    }
}
