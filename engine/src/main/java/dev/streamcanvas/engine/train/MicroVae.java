package dev.streamcanvas.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Small convolutional VAE: images [B, 3, S, S] in [-1, 1] <-> latents [B, 4, S/f, S/f], f = 4 or 8.
 * Encoder: conv_in, res, down, res(c->2c), down, res, [down2, res3 for f = 8], norm, silu, conv_out ->
 * latent_parameters [B, 8, h, w] (mean in channels 0-3, log-variance in 4-7). Decoder mirrors it with repeat+conv
 * upsampling (conv_in, res0, [up2, res3 for f = 8], up0, res1, up1, res2). Factor 4 has exactly the parameters it
 * had before factor 8 existed.
 * Not thread-safe.
 */
public final class MicroVae implements AutoCloseable {
    final MicroSdConfig cfg;
    final Params p;
    /** Multiplies the latent mean so that training latents have unit variance (written to the config). */
    float scalingFactor = 1f;

    public MicroVae(NDManager manager, MicroSdConfig cfg, long seed) {
        this.cfg = cfg;
        this.p = new Params(manager, seed);
        int c = cfg.vaeChannels();
        Nn.defConv(p, "enc.conv_in", 3, c, 3);
        Nn.defResBlock(p, "enc.res0", c, c, 0);
        Nn.defConv(p, "enc.down0", c, c, 3);
        Nn.defResBlock(p, "enc.res1", c, 2 * c, 0);
        Nn.defConv(p, "enc.down1", 2 * c, 2 * c, 3);
        Nn.defResBlock(p, "enc.res2", 2 * c, 2 * c, 0);
        if (cfg.vaeFactor() == 8) {
            Nn.defConv(p, "enc.down2", 2 * c, 2 * c, 3);
            Nn.defResBlock(p, "enc.res3", 2 * c, 2 * c, 0);
            Nn.defConv(p, "dec.up2", 2 * c, 2 * c, 3);
            Nn.defResBlock(p, "dec.res3", 2 * c, 2 * c, 0);
        }
        Nn.defNorm(p, "enc.norm_out", 2 * c);
        Nn.defConv(p, "enc.conv_out", 2 * c, 2 * MicroSdConfig.LATENT_CHANNELS, 3);

        Nn.defConv(p, "dec.conv_in", MicroSdConfig.LATENT_CHANNELS, 2 * c, 3);
        Nn.defResBlock(p, "dec.res0", 2 * c, 2 * c, 0);
        Nn.defConv(p, "dec.up0", 2 * c, 2 * c, 3);
        Nn.defResBlock(p, "dec.res1", 2 * c, c, 0);
        Nn.defConv(p, "dec.up1", c, c, 3);
        Nn.defResBlock(p, "dec.res2", c, c, 0);
        Nn.defNorm(p, "dec.norm_out", c);
        Nn.defConv(p, "dec.conv_out", c, 3, 3);
    }

    /** Encoder trunk features [B, 2c, h, w] (also the feature space of the quality metric). */
    NDArray features(NDArray x) {
        int g = cfg.groups();
        NDArray h = Nn.conv(x, p, "enc.conv_in", 1);
        h = Nn.resBlock(h, null, p, "enc.res0", g);
        h = Nn.conv(h, p, "enc.down0", 2);
        h = Nn.resBlock(h, null, p, "enc.res1", g);
        h = Nn.conv(h, p, "enc.down1", 2);
        h = Nn.resBlock(h, null, p, "enc.res2", g);
        if (cfg.vaeFactor() == 8) {
            h = Nn.resBlock(Nn.conv(h, p, "enc.down2", 2), null, p, "enc.res3", g);
        }
        return h;
    }

    /** images [B, 3, S, S] -> latent_parameters [B, 8, h, w] (mean, log-variance; unscaled). */
    public NDArray encode(NDArray x) {
        NDArray h = features(x);
        return Nn.conv(Nn.silu(Nn.groupNorm(h, p, "enc.norm_out", cfg.groups())), p, "enc.conv_out", 1);
    }

    /** latents [B, 4, h, w] (unscaled) -> images [B, 3, S, S] about [-1, 1]. */
    public NDArray decode(NDArray z) {
        int g = cfg.groups();
        NDArray h = Nn.conv(z, p, "dec.conv_in", 1);
        h = Nn.resBlock(h, null, p, "dec.res0", g);
        if (cfg.vaeFactor() == 8) {
            h = Nn.resBlock(Nn.conv(Nn.upsample2x(h), p, "dec.up2", 1), null, p, "dec.res3", g);
        }
        h = Nn.conv(Nn.upsample2x(h), p, "dec.up0", 1);
        h = Nn.resBlock(h, null, p, "dec.res1", g);
        h = Nn.conv(Nn.upsample2x(h), p, "dec.up1", 1);
        h = Nn.resBlock(h, null, p, "dec.res2", g);
        return Nn.conv(Nn.silu(Nn.groupNorm(h, p, "dec.norm_out", g)), p, "dec.conv_out", 1);
    }

    public Params params() {
        return p;
    }

    public float scalingFactor() {
        return scalingFactor;
    }

    @Override
    public void close() {
        p.close();
    }
}
