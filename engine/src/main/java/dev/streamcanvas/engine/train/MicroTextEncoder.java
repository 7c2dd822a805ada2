package dev.streamcanvas.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * CLIP-style text encoder: token + position embeddings, pre-norm transformer layers with causal self-attention
 * and a SiLU MLP, final layer norm. input_ids [B, L] -> last_hidden_state [B, L, D]. Not thread-safe.
 */
public final class MicroTextEncoder implements AutoCloseable {
    final MicroSdConfig cfg;
    final int vocabSize;
    final Params p;

    public MicroTextEncoder(NDManager manager, MicroSdConfig cfg, int vocabSize, long seed) {
        this.cfg = cfg;
        this.vocabSize = vocabSize;
        this.p = new Params(manager, seed);
        int d = cfg.textDim();
        p.normal("tok_emb", 0.02f, vocabSize, d);
        p.normal("pos_emb", 0.01f, cfg.maxTokens(), d);
        for (int i = 0; i < cfg.textLayers(); i++) {
            String l = "layer" + i;
            Nn.defNorm(p, l + ".ln1", d);
            Nn.defAttention(p, l + ".attn", d, d);
            Nn.defNorm(p, l + ".ln2", d);
            Nn.defLinear(p, l + ".fc1", d, 4 * d, true);
            Nn.defLinear(p, l + ".fc2", 4 * d, d, true);
        }
        Nn.defNorm(p, "ln_final", d);
    }

    /** ids [B, L] int64 -> [B, L, D]. */
    public NDArray forward(NDArray ids) {
        int l = cfg.maxTokens();
        NDArray x = ids.oneHot(vocabSize, DataType.FLOAT32).matMul(p.get("tok_emb")).add(p.get("pos_emb")); // [B, L, D]
        NDArray mask = Nn.causalMask(ids.getManager(), l);
        for (int i = 0; i < cfg.textLayers(); i++) {
            String n = "layer" + i;
            NDArray h = Nn.layerNorm(x, p, n + ".ln1");
            x = x.add(Nn.attention(h, h, mask, p, n + ".attn", cfg.heads()));
            h = Nn.layerNorm(x, p, n + ".ln2");
            x = x.add(Nn.linear(Nn.silu(Nn.linear(h, p, n + ".fc1")), p, n + ".fc2"));
        }
        return Nn.layerNorm(x, p, "ln_final");
    }

    public Params params() {
        return p;
    }

    @Override
    public void close() {
        p.close();
    }
}
