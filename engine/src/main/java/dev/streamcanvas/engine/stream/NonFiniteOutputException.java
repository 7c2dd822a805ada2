package dev.streamcanvas.engine.stream;

/**
 * A graph produced NaN or infinite values in a frame. The frame is dropped (the last good output stays on show) and
 * the stream history restarts from the next frame; the message names the graph, the model and what was found.
 */
public final class NonFiniteOutputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String graph;

    NonFiniteOutputException(String graph, String message) {
        super(message);
        this.graph = graph;
    }

    /** The graph whose output was not finite, as named in the model folder: vae_encoder, unet or vae_decoder. */
    public String graph() {
        return graph;
    }

    /**
     * Checks {@code values[0..n)} and throws when one is NaN or infinite. One pass over the array, no allocation
     * (cheap next to the graph that produced it).
     *
     * @param graph  the graph that wrote the values (vae_encoder, unet, vae_decoder)
     * @param what   what the values are, for the message ("output latents", "decoded image")
     * @param model  the model's name
     */
    static void check(float[] values, int n, String graph, String what, String model) {
        int nan = 0;
        int inf = 0;
        for (int i = 0; i < n; i++) {
            float v = values[i];
            if (v != v) {
                nan++;
            } else if (v == Float.POSITIVE_INFINITY || v == Float.NEGATIVE_INFINITY) {
                inf++;
            }
        }
        if (nan == 0 && inf == 0) {
            return;
        }
        StringBuilder found = new StringBuilder();
        if (nan > 0) {
            found.append(nan).append(" NaN");
        }
        if (inf > 0) {
            found.append(found.length() > 0 ? " and " : "").append(inf).append(" infinite");
        }
        throw new NonFiniteOutputException(graph, "graph " + graph + " of model " + model + " produced non-finite "
                + what + " (" + found + " of " + n + " values); the frame was dropped");
    }
}
