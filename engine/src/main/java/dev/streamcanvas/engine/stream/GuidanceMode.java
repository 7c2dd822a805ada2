package dev.streamcanvas.engine.stream;

/**
 * How the UNet batch provides the unconditional ("negative") noise estimate {@code u} of
 * {@code eps_hat = u + gamma * (c - u)} (DESIGN §4, StreamDiffusion's residual CFG).
 */
public enum GuidanceMode {
    /** No guidance: {@code eps_hat = c}; batch n. */
    NONE,
    /** Self-negative RCFG: {@code u = delta * stock noise}; batch n, no negative pass at all. */
    SELF,
    /** Onetime-negative RCFG: one real negative pass on the newest slot seeds the stock noise; batch n + 1. */
    INITIALIZE,
    /** Full classifier-free guidance: a negative pass for every slot; batch 2n. */
    FULL;

    /** UNet batch for {@code slots} stream slots of {@code frames} frames each. */
    public int unetBatch(int slots, int frames) {
        int s = slots * frames;
        switch (this) {
            case INITIALIZE:
                return s + frames;
            case FULL:
                return 2 * s;
            default:
                return s;
        }
    }

    /** Whether this mode keeps and updates a stock noise. */
    public boolean usesStockNoise() {
        return this == SELF || this == INITIALIZE;
    }
}
