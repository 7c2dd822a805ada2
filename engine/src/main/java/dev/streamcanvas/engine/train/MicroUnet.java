package dev.streamcanvas.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Conditional UNet for epsilon prediction on [B, 4, h, w] latents.
 * <pre>
 * conv_in (c) -> res0 (c) [skip s0]
 * down0 -> h/2: res1 (c->2c) + attn1 (self, cross) [skip s1]
 * down1 -> h/4: mid res (2c) + attn + res (2c)
 * up1 -> h/2: concat s1 -> res (4c->2c) + attn
 * up0 -> h:   concat s0 -> res (3c->c)
 * norm, silu, conv_out (4)
 * </pre>
 * Timestep: sinusoidal(c) -> linear(4c) -> silu -> linear(4c), added in every ResBlock. Not thread-safe.
 */
public final class MicroUnet implements AutoCloseable {
    final MicroSdConfig cfg;
    final Params p;

    public MicroUnet(NDManager manager, MicroSdConfig cfg, long seed) {
        this.cfg = cfg;
        this.p = new Params(manager, seed);
        int c = cfg.unetChannels();
        int t = 4 * c;
        int d = cfg.textDim();
        Nn.defLinear(p, "time.fc1", c, t, true);
        Nn.defLinear(p, "time.fc2", t, t, true);
        Nn.defConv(p, "conv_in", MicroSdConfig.LATENT_CHANNELS, c, 3);
        Nn.defResBlock(p, "down.res0", c, c, t);
        Nn.defConv(p, "down.down0", c, c, 3);
        Nn.defResBlock(p, "down.res1", c, 2 * c, t);
        defTransformer("down.attn1", 2 * c, d);
        Nn.defConv(p, "down.down1", 2 * c, 2 * c, 3);
        Nn.defResBlock(p, "mid.res0", 2 * c, 2 * c, t);
        defTransformer("mid.attn", 2 * c, d);
        Nn.defResBlock(p, "mid.res1", 2 * c, 2 * c, t);
        Nn.defConv(p, "up.up1", 2 * c, 2 * c, 3);
        Nn.defResBlock(p, "up.res1", 4 * c, 2 * c, t);
        defTransformer("up.attn1", 2 * c, d);
        Nn.defConv(p, "up.up0", 2 * c, 2 * c, 3);
        Nn.defResBlock(p, "up.res0", 3 * c, c, t);
        Nn.defNorm(p, "norm_out", c);
        // small output layer: the initial prediction is near zero, so the initial loss is about 1
        p.uniform("conv_out.weight", c * 9, 0.1f, MicroSdConfig.LATENT_CHANNELS, c, 3, 3);
        p.constant("conv_out.bias", 0f, MicroSdConfig.LATENT_CHANNELS);
    }

    private void defTransformer(String name, int dim, int ctxDim) {
        Nn.defNorm(p, name + ".ln1", dim);
        Nn.defAttention(p, name + ".self", dim, dim);
        Nn.defNorm(p, name + ".ln2", dim);
        Nn.defAttention(p, name + ".cross", dim, ctxDim);
        Nn.defNorm(p, name + ".ln3", dim);
        Nn.defLinear(p, name + ".fc1", dim, 2 * dim, true);
        Nn.defLinear(p, name + ".fc2", 2 * dim, dim, true);
    }

    /** Self- and cross-attention on the spatial tokens, with residuals. x [B, C, H, W], ctx [B, L, D]. */
    private NDArray transformer(NDArray x, NDArray ctx, String name) {
        long b = x.getShape().get(0);
        long c = x.getShape().get(1);
        long hh = x.getShape().get(2);
        long ww = x.getShape().get(3);
        int heads = cfg.heads();
        NDArray t = x.reshape(b, c, hh * ww).transpose(0, 2, 1);              // [B, HW, C]
        NDArray h = Nn.layerNorm(t, p, name + ".ln1");
        t = t.add(Nn.attention(h, h, null, p, name + ".self", heads));
        t = t.add(Nn.attention(Nn.layerNorm(t, p, name + ".ln2"), ctx, null, p, name + ".cross", heads));
        h = Nn.layerNorm(t, p, name + ".ln3");
        t = t.add(Nn.linear(Nn.silu(Nn.linear(h, p, name + ".fc1")), p, name + ".fc2"));
        return t.transpose(0, 2, 1).reshape(b, c, hh, ww);
    }

    /** sample [B, 4, h, w], timestep [B] float, ctx [B, L, D] -> predicted noise [B, 4, h, w]. */
    public NDArray forward(NDArray sample, NDArray timestep, NDArray ctx) {
        int g = cfg.groups();
        NDArray temb = Nn.timestepEmbedding(timestep, cfg.unetChannels());
        temb = Nn.linear(Nn.silu(Nn.linear(temb, p, "time.fc1")), p, "time.fc2");   // [B, 4c]

        NDArray h = Nn.conv(sample, p, "conv_in", 1);
        NDArray s0 = Nn.resBlock(h, temb, p, "down.res0", g);                       // [B, c, h, w]
        h = Nn.conv(s0, p, "down.down0", 2);
        h = Nn.resBlock(h, temb, p, "down.res1", g);
        NDArray s1 = transformer(h, ctx, "down.attn1");                             // [B, 2c, h/2, w/2]
        h = Nn.conv(s1, p, "down.down1", 2);
        h = Nn.resBlock(h, temb, p, "mid.res0", g);
        h = transformer(h, ctx, "mid.attn");
        h = Nn.resBlock(h, temb, p, "mid.res1", g);                                 // [B, 2c, h/4, w/4]
        h = Nn.conv(Nn.upsample2x(h), p, "up.up1", 1);
        h = Nn.resBlock(h.concat(s1, 1), temb, p, "up.res1", g);
        h = transformer(h, ctx, "up.attn1");
        h = Nn.conv(Nn.upsample2x(h), p, "up.up0", 1);
        h = Nn.resBlock(h.concat(s0, 1), temb, p, "up.res0", g);
        return Nn.conv(Nn.silu(Nn.groupNorm(h, p, "norm_out", g)), p, "conv_out", 1);
    }

    public Params params() {
        return p;
    }

    @Override
    public void close() {
        p.close();
    }
}
