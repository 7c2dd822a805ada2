package dev.streamcanvas.engine.v2v;

/**
 * One self-attention (attn1) layer of an edited UNet, as recorded in the model's metadata.
 *
 * @param index   position in the layer table (graph order)
 * @param name    diffusers module path when the graph has names (e.g.
 *                {@code down_blocks.0.attentions.0.transformer_blocks.0.attn1}), else {@code attn1_<index>}
 * @param level   spatial level (0 = latent resolution, +1 per stride-2 downsampling), -1 when unknown
 * @param fusion  whether feature fusion runs on this layer (it then also has an O bank)
 * @param widthK  channels C of the projected keys
 * @param widthV  channels of the projected values
 * @param widthO  channels of the attention output after {@code to_out} (0 when not a fusion layer)
 */
public record BankLayer(int index, String name, int level, boolean fusion, int widthK, int widthV, int widthO) {
    /** Graph input of the banked keys, [batch, M, widthK] float32 (M may be 0). */
    public String bankK() {
        return "v2v_bank_k_" + index;
    }

    /** Graph input of the banked values, [batch, M, widthV] float32. */
    public String bankV() {
        return "v2v_bank_v_" + index;
    }

    /** Graph input of the banked attention outputs, [batch, M, widthO] float32 (fusion layers only). */
    public String bankO() {
        return "v2v_bank_o_" + index;
    }

    /** Graph output of this call's keys, [batch, N, widthK] float32. */
    public String currentK() {
        return "v2v_k_" + index;
    }

    /** Graph output of this call's values, [batch, N, widthV] float32. */
    public String currentV() {
        return "v2v_v_" + index;
    }

    /** Graph output of this call's attention output before fusion, [batch, N, widthO] float32 (fusion layers). */
    public String currentO() {
        return "v2v_o_" + index;
    }
}
