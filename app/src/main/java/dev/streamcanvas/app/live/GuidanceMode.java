package dev.streamcanvas.app.live;

/** Residual classifier-free guidance variants of StreamDiffusion (DESIGN §4). */
public enum GuidanceMode {
    NONE("None"),
    SELF("Self (RCFG)"),
    INITIALIZE("Initialize (RCFG)"),
    FULL("Full CFG");

    private final String label;

    GuidanceMode(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
