package dev.streamcanvas.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;

/**
 * The layers of the micro models as plain functions of (input, weights), so the forward pass reads like the
 * math and the ONNX export can mirror it op by op. Weight names follow "block.layer.weight" / ".bias".
 */
final class Nn {
    static final float NORM_EPS = 1e-5f;

    private Nn() {
    }

    // ---- definitions (shapes and initial values) ----

    static void defConv(Params p, String name, int cin, int cout, int k) {
        p.uniform(name + ".weight", cin * k * k, 1f, cout, cin, k, k);
        p.constant(name + ".bias", 0f, cout);
    }

    static void defLinear(Params p, String name, int in, int out, boolean bias) {
        p.uniform(name + ".weight", in, 1f, out, in);
        if (bias) {
            p.constant(name + ".bias", 0f, out);
        }
    }

    static void defNorm(Params p, String name, int c) {
        p.constant(name + ".weight", 1f, c);
        p.constant(name + ".bias", 0f, c);
    }

    static void defResBlock(Params p, String name, int cin, int cout, int tembDim) {
        defNorm(p, name + ".norm1", cin);
        defConv(p, name + ".conv1", cin, cout, 3);
        if (tembDim > 0) {
            defLinear(p, name + ".temb", tembDim, cout, true);
        }
        defNorm(p, name + ".norm2", cout);
        defConv(p, name + ".conv2", cout, cout, 3);
        if (cin != cout) {
            defConv(p, name + ".skip", cin, cout, 1);
        }
    }

    static void defAttention(Params p, String name, int dim, int ctxDim) {
        defLinear(p, name + ".q", dim, dim, false);
        defLinear(p, name + ".k", ctxDim, dim, false);
        defLinear(p, name + ".v", ctxDim, dim, false);
        defLinear(p, name + ".out", dim, dim, true);
    }

    // ---- forward ----

    /** Output channels of a convolution are computed in blocks of this many (see {@link #conv}). */
    static final int CONV_BLOCK = 16;

    /**
     * 2-D convolution, padding k/2. x [B, Cin, H, W] -> [B, Cout, H/stride, W/stride].
     *
     * <p>When Cout is not a multiple of {@link #CONV_BLOCK}, the weight and bias are padded with zero output
     * channels and the extra outputs are cut off again: the same numbers, since the padding channels meet nothing.
     * The reason is a native fault of the PyTorch 2.7.1 CPU build that DJL loads: on an AVX-512 machine (AMD EPYC,
     * 2026-12-04) the backward pass of a convolution whose output channels do not fill a 16-float block gives a
     * non-finite input gradient in about 1 of 200 calls (measured: 8 -> 3 channels 4 / 1,000 calls, 8 -> 4 12 / 1,000,
     * 8 -> 8 5 / 3,000; padded to 16: 0 / 1,000 each). The unfilled lanes are read without being written, and
     * only the rare NaN bit pattern among them shows (finite garbage times a zero weight is zero), so such a step
     * was skipped as non-finite and runs in one JVM could differ (TrainerGcTest).
     */
    static NDArray conv(NDArray x, Params p, String name, int stride) {
        NDArray w = p.get(name + ".weight");
        NDArray b = p.get(name + ".bias");
        int pad = (int) (w.getShape().get(2) / 2);
        long cout = w.getShape().get(0);
        if (cout % CONV_BLOCK == 0) {
            return Conv2d.conv2d(x, w, b, new Shape(stride, stride), new Shape(pad, pad)).singletonOrThrow();
        }
        long full = (cout + CONV_BLOCK - 1) / CONV_BLOCK * CONV_BLOCK;
        Shape ws = w.getShape();
        NDManager m = x.getManager();
        NDArray wp = w.concat(m.zeros(new Shape(full - cout, ws.get(1), ws.get(2), ws.get(3)), w.getDataType()), 0);
        NDArray bp = b.concat(m.zeros(new Shape(full - cout), b.getDataType()), 0);
        return Conv2d.conv2d(x, wp, bp, new Shape(stride, stride), new Shape(pad, pad)).singletonOrThrow()
                .get(":, 0:" + cout);
    }

    /** x [..., in] -> [..., out]. */
    static NDArray linear(NDArray x, Params p, String name) {
        String b = name + ".bias";
        return p.all().containsKey(b) ? Linear.linear(x, p.get(name + ".weight"), p.get(b)).singletonOrThrow()
                : Linear.linear(x, p.get(name + ".weight")).singletonOrThrow();
    }

    /**
     * {@code x * factor}, with the factor held by a tensor that owns its memory. Use this (never {@code mul(Number)})
     * on anything a gradient flows through: DJL's PyTorch {@code mul(Number)} wraps the number in a tensor that only
     * borrows a direct Java buffer and closes that tensor at once, while autograd keeps it for the backward pass;
     * once the JVM collects the buffer, the backward pass multiplies by whatever the freed memory then holds.
     */
    static NDArray scale(NDArray x, float factor) {
        try (NDArray f = x.getManager().full(new Shape(), factor, x.getDataType())) {
            return x.mul(f);
        }
    }

    static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /** Group normalisation: per sample and group of channels, zero mean and unit variance, then a per-channel affine. */
    static NDArray groupNorm(NDArray x, Params p, String name, int groups) {
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        NDArray g = x.reshape(b, groups, -1);                         // [B, G, C/G*H*W]
        NDArray centred = g.sub(g.mean(new int[] {2}, true));
        NDArray var = centred.square().mean(new int[] {2}, true);      // biased variance, as PyTorch
        NDArray norm = centred.div(var.add(NORM_EPS).sqrt()).reshape(s);
        return norm.mul(p.get(name + ".weight").reshape(1, c, 1, 1)).add(p.get(name + ".bias").reshape(1, c, 1, 1));
    }

    /** Layer normalisation over the last axis. x [..., D]. */
    static NDArray layerNorm(NDArray x, Params p, String name) {
        NDArray centred = x.sub(x.mean(new int[] {-1}, true));
        NDArray var = centred.square().mean(new int[] {-1}, true);
        return centred.div(var.add(NORM_EPS).sqrt()).mul(p.get(name + ".weight")).add(p.get(name + ".bias"));
    }

    /** ResBlock: x + conv(silu(gn(conv(silu(gn(x))) + temb))). x [B, Cin, H, W], temb [B, T] or null. */
    static NDArray resBlock(NDArray x, NDArray temb, Params p, String name, int groups) {
        NDArray h = conv(silu(groupNorm(x, p, name + ".norm1", groups)), p, name + ".conv1", 1);
        if (temb != null) {
            NDArray t = linear(silu(temb), p, name + ".temb");          // [B, Cout]
            h = h.add(t.reshape(t.getShape().get(0), t.getShape().get(1), 1, 1));
        }
        h = conv(silu(groupNorm(h, p, name + ".norm2", groups)), p, name + ".conv2", 1);
        NDArray skip = p.all().containsKey(name + ".skip.weight") ? conv(x, p, name + ".skip", 1) : x;
        return skip.add(h);
    }

    /**
     * Multi-head attention. x [B, N, C] queries, ctx [B, M, Cc] keys/values source, mask [N, M] additive or null.
     * Returns [B, N, C].
     */
    static NDArray attention(NDArray x, NDArray ctx, NDArray mask, Params p, String name, int heads) {
        long b = x.getShape().get(0);
        long n = x.getShape().get(1);
        long c = x.getShape().get(2);
        long m = ctx.getShape().get(1);
        long dh = c / heads;
        NDArray q = linear(x, p, name + ".q").reshape(b, n, heads, dh).transpose(0, 2, 1, 3);   // [B, h, N, dh]
        NDArray k = linear(ctx, p, name + ".k").reshape(b, m, heads, dh).transpose(0, 2, 3, 1); // [B, h, dh, M]
        NDArray v = linear(ctx, p, name + ".v").reshape(b, m, heads, dh).transpose(0, 2, 1, 3); // [B, h, M, dh]
        NDArray scores = scale(q.matMul(k), (float) (1 / Math.sqrt(dh)));                        // [B, h, N, M]
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray out = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, n, c);
        return linear(out, p, name + ".out");
    }

    /** Nearest-neighbour 2x upsampling: [B, C, H, W] -> [B, C, 2H, 2W]. */
    static NDArray upsample2x(NDArray x) {
        return x.repeat(2, 2).repeat(3, 2);
    }

    /** Additive causal mask [L, L]: 0 on and below the diagonal, a large negative number above. */
    static NDArray causalMask(NDManager manager, int l) {
        float[] m = new float[l * l];
        for (int i = 0; i < l; i++) {
            for (int j = i + 1; j < l; j++) {
                m[i * l + j] = -1e9f;
            }
        }
        return manager.create(m, new Shape(l, l));
    }

    /** Sinusoidal timestep embedding (cos half, then sin half). t [B] float -> [B, dim]. */
    static NDArray timestepEmbedding(NDArray t, int dim) {
        int half = dim / 2;
        float[] freqs = new float[half];
        for (int i = 0; i < half; i++) {
            freqs[i] = (float) Math.exp(-Math.log(10000) * i / half);
        }
        NDArray f = t.getManager().create(freqs, new Shape(1, half));
        NDArray args = t.reshape(-1, 1).mul(f);                             // [B, half]
        return args.cos().concat(args.sin(), 1);
    }
}
