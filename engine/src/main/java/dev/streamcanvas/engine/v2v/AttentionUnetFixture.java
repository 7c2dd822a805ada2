package dev.streamcanvas.engine.v2v;

import dev.streamcanvas.engine.onnx.ElementType;
import dev.streamcanvas.engine.onnx.GraphBuilder;
import dev.streamcanvas.engine.onnx.Value;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.GraphProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.NodeProto;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A test and measurement fixture: a small UNet built op by op in the pattern torch.onnx writes for a diffusers {@code UNet2DConditionModel}
 * (down_blocks.0 / mid_block / up_blocks.1 transformer blocks, each with attn1 self-attention and attn2
 * cross-attention), with diffusers node names such as {@code /mid_block/attentions.0/transformer_blocks.0/attn1/to_k/MatMul}.
 * Two attention exports: the classic {@code AttnProcessor} (head_to_batch_dim reshapes to [B*h, N, dh], baddbmm
 * scores = q k^T * scale, softmax, bmm with v) and PyTorch 2's {@code scaled_dot_product_attention} symbolic (q and
 * k^T each multiplied by sqrt(scale), scale computed from the shape of q). {@code baked} writes fixed token counts
 * and batch into the Reshape shapes, as an export without dynamic axes does. Random weights from a seed. Used by
 * the v2v tests and by {@code streamcanvas fixture --attention} (a fixture model folder whose UNet has attention,
 * for measuring the feature bank without a real model). No PyTorch is involved: the pattern is written from
 * diffusers' attention processors, not taken from a torch.onnx run.
 */
public final class AttentionUnetFixture {
    /** Default hidden width C. */
    public static final int C = 16;
    /** Attention heads. */
    public static final int HEADS = 2;
    /** Default text length L and width D. */
    public static final int L = 5;
    public static final int D = 12;
    private static final ElementType F = ElementType.FLOAT32;

    private final GraphBuilder b;
    private final SplittableRandom rnd;
    private final boolean sdpa;
    private final boolean baked;
    private final int batch;
    private final boolean names;
    private final int c;
    private final int l;
    private final int d;
    private final Map<String, String> nodeNames = new HashMap<>();
    private int weights;

    private AttentionUnetFixture(boolean sdpa, boolean baked, boolean names, int batch, long seed, int opset, int c,
            int l, int d) {
        this.c = c;
        this.l = l;
        this.d = d;
        this.b = new GraphBuilder("unet", opset);
        this.rnd = new SplittableRandom(seed);
        this.sdpa = sdpa;
        this.baked = baked;
        this.names = names;
        this.batch = batch;
    }

    /**
     * @param sdpa  PyTorch 2 scaled-dot-product export instead of the classic one
     * @param baked fixed batch and token counts in the Reshapes (then {@code batch} and {@code side} are fixed)
     * @param names diffusers node names (false: the builder's anonymous ones)
     */
    public static ModelProto build(boolean sdpa, boolean baked, boolean names, int batch, int side, long seed,
            int opset) {
        return build(sdpa, baked, names, batch, side, seed, opset, C, L, D);
    }

    /** As above with hidden width {@code c} (a multiple of {@link #HEADS}) and text [L, D] = [l, d]. */
    public static ModelProto build(boolean sdpa, boolean baked, boolean names, int batch, int side, long seed,
            int opset, int c, int l, int d) {
        if (c < HEADS || c % HEADS != 0 || l < 1 || d < 1) {
            throw new IllegalArgumentException("attention fixture needs a width that is a multiple of " + HEADS
                    + " and a text shape of at least 1x1, got C=" + c + ", L=" + l + ", D=" + d);
        }
        return new AttentionUnetFixture(sdpa, baked, names, batch, seed, opset, c, l, d).unet(side);
    }

    private ModelProto unet(int side) {
        Object bd = baked ? (Object) batch : "batch";
        Object hd = baked ? (Object) side : "height";
        Object wd = baked ? (Object) side : "width";
        Value sample = b.input("sample", F, bd, 4, hd, wd);
        Value timestep = b.input("timestep", F, bd);
        Value ctx = b.input("encoder_hidden_states", F, bd, l, d);
        Value h = conv(sample, 4, c, 1, "/conv_in/Conv");
        h = transformer(h, ctx, "/down_blocks.0/attentions.0/transformer_blocks.0", side);
        Value skip = h;
        h = conv(h, c, c, 2, "/down_blocks.0/downsamplers.0/conv/Conv");
        h = transformer(h, ctx, "/mid_block/attentions.0/transformer_blocks.0", side / 2);
        h = b.resizeNearest(h, 1, 1, 2, 2);
        h = conv(b.add(h, skip), c, c, 1, "/up_blocks.0/upsamplers.0/conv/Conv");
        h = transformer(h, ctx, "/up_blocks.1/attentions.0/transformer_blocks.0", side);
        Value out = conv(h, c, 4, 1, "/conv_out/Conv");
        out = b.add(out, b.mul(b.reshape(timestep, -1, 1, 1, 1), 0.001f));
        b.output(out, "out_sample", bd, 4, hd, wd);
        ModelProto m = b.build();
        if (!names) {
            return m;
        }
        GraphProto.Builder g = m.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            String name = n.getOutputCount() > 0 ? nodeNames.get(n.getOutput(0)) : null;
            if (name != null) {
                g.setNode(i, n.toBuilder().setName(name));
            }
        }
        return m.toBuilder().setGraph(g).build();
    }

    private Value named(Value v, String name) {
        nodeNames.put(v.name(), name);
        return v;
    }

    private Value weight(long... dims) {
        int n = 1;
        for (long d : dims) {
            n *= (int) d;
        }
        float scale = (float) (1.0 / Math.sqrt(dims[dims.length == 4 ? 1 : 0] * (dims.length == 4 ? dims[2] * dims[3] : 1)));
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (rnd.nextDouble(-1.7, 1.7) * scale);
        }
        return b.initializer("w" + (weights++), F, dims, w);
    }

    private Value conv(Value x, int in, int out, int stride, String name) {
        return named(b.conv(x, weight(out, in, 3, 3), weight(out), stride, 1), name);
    }

    private Value linear(Value x, int in, int out, boolean bias, String name) {
        Value y = named(b.matmul(x, weight(in, out)), name + "/MatMul");
        return bias ? named(b.add(y, weight(out)), name + "/Add") : y;
    }

    private Value transformer(Value x, Value ctx, String name, int side) {
        int n = side * side;
        Value t = baked ? b.reshape(x, batch, c, n) : b.reshape(x, 0, 0, -1);
        t = b.transpose(t, 0, 2, 1);                                                                   // [B, N, c]
        Value ones = b.constant(F, new long[] {c}, filled(1f));
        Value zeros = b.constant(F, new long[] {c}, new float[c]);
        Value h = named(b.layerNorm(t, ones, zeros, -1, 1e-5f), name + "/norm1/LayerNormalization");
        t = b.add(attention(h, h, name + "/attn1", c, n), t);
        h = named(b.layerNorm(t, ones, zeros, -1, 1e-5f), name + "/norm2/LayerNormalization");
        t = b.add(attention(h, ctx, name + "/attn2", d, l), t);
        Value back = b.transpose(t, 0, 2, 1);
        return baked ? b.reshape(back, batch, c, side, side) : b.reshape(back, b.shape(x));
    }

    private Value attention(Value x, Value ctx, String name, int ctxDim, int keys) {
        int dh = c / HEADS;
        Value q = linear(x, c, c, false, name + "/to_q");
        Value k = linear(ctx, ctxDim, c, false, name + "/to_k");
        Value v = linear(ctx, ctxDim, c, false, name + "/to_v");
        int queries = name.contains("attn1") ? keys : -1;
        Value o;
        if (sdpa) {
            Value qh = b.transpose(reshape4(q, queries, dh), 0, 2, 1, 3);                          // [B, h, N, dh]
            Value kh = b.transpose(reshape4(k, keys, dh), 0, 2, 1, 3);
            Value vh = b.transpose(reshape4(v, keys, dh), 0, 2, 1, 3);
            // torch's SDPA symbolic: scale = 1 / sqrt(q.size(-1)); q * sqrt(scale) @ (k^T * sqrt(scale))
            Value last = b.cast(b.slice(b.shape(qh), new long[] {-1}, new long[] {Long.MAX_VALUE}, new long[] {0}), F);
            Value sqrtScale = b.sqrt(b.div(b.scalar(1f, F), b.sqrt(last)));
            Value kt = b.transpose(kh, 0, 1, 3, 2);
            Value scores = b.matmul(b.mul(qh, sqrtScale), b.mul(kt, sqrtScale));
            Value probs = b.softmax(scores, -1);
            Value att = b.matmul(probs, vh);                                                        // [B, h, N, dh]
            Value merged = b.transpose(att, 0, 2, 1, 3);
            o = baked ? b.reshape(merged, batch, queries, c) : b.reshape(merged, 0, -1, c);
        } else {
            Value qb = headToBatch(q, queries, dh);                                                 // [B*h, N, dh]
            Value kb = headToBatch(k, keys, dh);
            Value vb = headToBatch(v, keys, dh);
            Value scores = b.mul(b.matmul(qb, b.transpose(kb, 0, 2, 1)), (float) (1 / Math.sqrt(dh)));
            Value probs = b.softmax(scores, -1);
            Value att = b.matmul(probs, vb);                                                        // [B*h, N, dh]
            // batch_to_head_dim: [B, h, N, dh] -> [B, N, h, dh] -> [B, N, c]
            Value split = baked ? b.reshape(att, batch, HEADS, queries, dh)
                    : b.reshape(att, b.concat(0, b.longs(-1, HEADS), tokensOf(att), b.longs(dh)));
            Value merged = b.transpose(split, 0, 2, 1, 3);
            o = baked ? b.reshape(merged, batch, queries, c) : b.reshape(merged, 0, 0, c);
        }
        return linear(o, c, c, true, name + "/to_out.0");
    }

    /** [B, N, c] -> [B, N, h, dh] (baked: fixed B and N; else 0 and -1). */
    private Value reshape4(Value x, int tokens, int dh) {
        return baked && tokens > 0 ? b.reshape(x, batch, tokens, HEADS, dh) : b.reshape(x, 0, -1, HEADS, dh);
    }

    /** diffusers' head_to_batch_dim: [B, N, c] -> [B, N, h, dh] -> [B, h, N, dh] -> [B*h, N, dh]. */
    private Value headToBatch(Value x, int tokens, int dh) {
        Value t = b.transpose(reshape4(x, tokens, dh), 0, 2, 1, 3);
        return baked && tokens > 0 ? b.reshape(t, (long) batch * HEADS, tokens, dh)
                : b.reshape(t, b.concat(0, b.longs(-1), tokensOf(x), b.longs(dh)));
    }

    /** Dim 1 of {@code x} as a [1] shape piece, as torch exports {@code tensor.shape[1]} with dynamic axes. */
    private Value tokensOf(Value x) {
        return b.gather(b.shape(x), b.longs(1), 0);
    }

    private float[] filled(float v) {
        float[] a = new float[c];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
