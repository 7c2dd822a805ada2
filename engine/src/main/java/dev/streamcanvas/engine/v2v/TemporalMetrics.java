package dev.streamcanvas.engine.v2v;

import java.util.List;

/**
 * Temporal-consistency metrics of a generated clip.
 *
 * <p><b>Warp error</b>: for consecutive outputs t and t+1, optical flow is computed on the corresponding
 * <i>input</i> frames (so the metric does not reward an output that simply stops moving); output t is warped into
 * frame t+1 by the backward flow (t+1 -> t), and the error is the mean absolute difference, in float RGB in [0, 1],
 * over the pixels that pass the forward-backward check |b(x) + f(x + b(x))|^2 < 0.01 (|b|^2 + |f|^2) + 0.5 and
 * whose source lies inside the frame (occlusions and disocclusions are left out). Lower is more consistent.
 * Stateless.
 */
public final class TemporalMetrics {
    private TemporalMetrics() {
    }

    /** Warp error of one pair and the fraction of pixels the consistency mask kept. */
    public record PairError(double error, double kept) {
    }

    /** Mean warp error over a clip, the mean kept fraction, and the number of pairs. */
    public record ClipError(double error, double kept, int pairs) {
    }

    /**
     * @param inputs  input frames (ARGB, w x h), aligned with {@code outputs} (output k was made from input k)
     * @param outputs output frames (ARGB, w x h)
     */
    public static ClipError warpError(List<int[]> inputs, List<int[]> outputs, int w, int h, OpticalFlow flow) {
        if (inputs.size() != outputs.size() || inputs.size() < 2) {
            throw new IllegalArgumentException("warp error needs two or more aligned input/output frames, got "
                    + inputs.size() + " inputs and " + outputs.size() + " outputs");
        }
        double sum = 0;
        double kept = 0;
        int pairs = 0;
        for (int t = 0; t + 1 < inputs.size(); t++) {
            float[] g0 = gray(inputs.get(t));
            float[] g1 = gray(inputs.get(t + 1));
            float[] fwd = flow.flow(g0, g1, w, h);
            float[] bwd = flow.flow(g1, g0, w, h);
            PairError e = pairError(outputs.get(t), outputs.get(t + 1), fwd, bwd, w, h);
            if (e.kept() > 0) {
                sum += e.error();
                kept += e.kept();
                pairs++;
            }
        }
        return new ClipError(pairs == 0 ? Double.NaN : sum / pairs, pairs == 0 ? 0 : kept / pairs, pairs);
    }

    /**
     * Warp error of output {@code next} against output {@code prev} warped by {@code bwd} (next -> prev), masked by
     * the forward-backward check with {@code fwd} (prev -> next). Flows are [2, h, w] (u then v).
     */
    public static PairError pairError(int[] prev, int[] next, float[] fwd, float[] bwd, int w, int h) {
        int n = w * h;
        float[][] p = planes(prev, w, h);
        float[][] q = planes(next, w, h);
        float[] fu = java.util.Arrays.copyOfRange(fwd, 0, n);
        float[] fv = java.util.Arrays.copyOfRange(fwd, n, 2 * n);
        double err = 0;
        long count = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float bu = bwd[i];
                float bv = bwd[n + i];
                float sx = x + bu;
                float sy = y + bv;
                if (sx < 0 || sy < 0 || sx > w - 1 || sy > h - 1) {
                    continue;
                }
                float u2 = OpticalFlow.sample(fu, w, h, sx, sy);
                float v2 = OpticalFlow.sample(fv, w, h, sx, sy);
                float du = bu + u2;
                float dv = bv + v2;
                float lhs = du * du + dv * dv;
                float rhs = 0.01f * (bu * bu + bv * bv + u2 * u2 + v2 * v2) + 0.5f;
                if (lhs >= rhs) {
                    continue;
                }
                for (int c = 0; c < 3; c++) {
                    err += Math.abs(q[c][i] - OpticalFlow.sample(p[c], w, h, sx, sy));
                }
                count++;
            }
        }
        return new PairError(count == 0 ? 0 : err / (3.0 * count), count / (double) n);
    }

    /** Mean cosine similarity of consecutive feature vectors. */
    public static double consecutiveCosine(List<float[]> features) {
        if (features.size() < 2) {
            throw new IllegalArgumentException("consecutive cosine needs two or more frames, got " + features.size());
        }
        double sum = 0;
        for (int t = 0; t + 1 < features.size(); t++) {
            sum += cosine(features.get(t), features.get(t + 1));
        }
        return sum / (features.size() - 1);
    }

    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.max(1e-30, Math.sqrt(na) * Math.sqrt(nb));
    }

    /** Luma in [0, 1] of ARGB pixels. */
    public static float[] gray(int[] argb) {
        float[] g = new float[argb.length];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            g[i] = (0.299f * ((p >> 16) & 0xff) + 0.587f * ((p >> 8) & 0xff) + 0.114f * (p & 0xff)) / 255f;
        }
        return g;
    }

    private static float[][] planes(int[] argb, int w, int h) {
        float[][] c = new float[3][w * h];
        for (int i = 0; i < w * h; i++) {
            int p = argb[i];
            c[0][i] = ((p >> 16) & 0xff) / 255f;
            c[1][i] = ((p >> 8) & 0xff) / 255f;
            c[2][i] = (p & 0xff) / 255f;
        }
        return c;
    }
}
