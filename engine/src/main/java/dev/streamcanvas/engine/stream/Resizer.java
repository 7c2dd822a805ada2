package dev.streamcanvas.engine.stream;

/**
 * Antialiased reduction of ARGB pixels to a [3, H, W] tensor in [-1, 1] for one (source size, destination size)
 * pair, as PIL's BILINEAR resize: a centre crop to the destination aspect, then per axis a triangle filter of
 * radius {@code r = max(1, scale)} source pixels around each output pixel's centre {@code c} (weight
 * {@code 1 - |i + 0.5 - c| / r} on source pixel i, taps outside the image dropped, weights renormalised), applied
 * separably. Taps, weights and the intermediate rows are computed once here and reused for every frame of that
 * size. Not thread-safe.
 */
final class Resizer {
    private final int srcW;
    private final int srcH;
    private final int dstW;
    private final int dstH;
    private final Axis x;
    private final Axis y;
    private final int rowFirst; // first source row any output row reads
    private final float[] rows; // [3][rowsUsed][dstW] horizontal pass
    private final float[] line; // [3][srcW] one source row unpacked

    /** Taps of one axis: output pixel o reads source pixels start[o] .. start[o] + taps - 1 with weight[o * taps + k]. */
    private static final class Axis {
        final int taps;
        final int[] start;
        final float[] weight;

        Axis(int src, int dst, double origin, double scale) {
            double r = Math.max(1, scale);
            int t = Math.min(src, (int) Math.ceil(2 * r) + 1);
            taps = t;
            start = new int[dst];
            weight = new float[dst * t];
            for (int o = 0; o < dst; o++) {
                double c = origin + (o + 0.5) * scale;
                int first = Math.max(0, (int) Math.floor(c - r));
                first = Math.min(first, src - t);
                start[o] = first;
                double sum = 0;
                for (int k = 0; k < t; k++) {
                    double w = 1 - Math.abs(first + k + 0.5 - c) / r;
                    if (w > 0) {
                        weight[o * t + k] = (float) w;
                        sum += w;
                    }
                }
                for (int k = 0; k < t; k++) {
                    weight[o * t + k] = (float) (weight[o * t + k] / sum);
                }
            }
        }
    }

    Resizer(int srcW, int srcH, int dstW, int dstH) {
        this.srcW = srcW;
        this.srcH = srcH;
        this.dstW = dstW;
        this.dstH = dstH;
        double srcAspect = (double) srcW / srcH;
        double dstAspect = (double) dstW / dstH;
        double cropW = srcAspect > dstAspect ? srcH * dstAspect : srcW;
        double cropH = srcAspect > dstAspect ? srcH : srcW / dstAspect;
        x = new Axis(srcW, dstW, (srcW - cropW) / 2, cropW / dstW);
        y = new Axis(srcH, dstH, (srcH - cropH) / 2, cropH / dstH);
        rowFirst = y.start[0];
        int rowLast = Math.min(srcH - 1, y.start[dstH - 1] + y.taps - 1);
        rows = new float[3 * (rowLast - rowFirst + 1) * dstW];
        line = new float[3 * srcW];
    }

    /** Whether this resizer serves that size pair. */
    boolean fits(int sw, int sh, int dw, int dh) {
        return sw == srcW && sh == srcH && dw == dstW && dh == dstH;
    }

    /** Writes [3, dstH, dstW] values in [-1, 1] at {@code out[off..]}. */
    void apply(int[] argb, float[] out, int off) {
        int used = rows.length / (3 * dstW);
        int plane = used * dstW;
        int xt = x.taps;
        for (int sy = 0; sy < used; sy++) {
            int row = (rowFirst + sy) * srcW;
            for (int i = 0; i < srcW; i++) {
                int p = argb[row + i];
                line[i] = (p >> 16) & 0xff;
                line[srcW + i] = (p >> 8) & 0xff;
                line[2 * srcW + i] = p & 0xff;
            }
            for (int c = 0; c < 3; c++) {
                int lc = c * srcW;
                int dst = c * plane + sy * dstW;
                for (int o = 0; o < dstW; o++) {
                    int s0 = lc + x.start[o];
                    int wo = o * xt;
                    float acc = 0;
                    for (int k = 0; k < xt; k++) {
                        acc += x.weight[wo + k] * line[s0 + k];
                    }
                    rows[dst + o] = acc;
                }
            }
        }
        int outPlane = dstW * dstH;
        int yt = y.taps;
        float k2 = 2f / 255f;
        for (int c = 0; c < 3; c++) {
            for (int o = 0; o < dstH; o++) {
                int src = c * plane + (y.start[o] - rowFirst) * dstW;
                int dst = off + c * outPlane + o * dstW;
                int wo = o * yt;
                java.util.Arrays.fill(out, dst, dst + dstW, 0f);
                for (int k = 0; k < yt; k++) {
                    float w = y.weight[wo + k];
                    int sk = src + k * dstW;
                    for (int px = 0; px < dstW; px++) {
                        out[dst + px] += w * rows[sk + px];
                    }
                }
                for (int px = 0; px < dstW; px++) {
                    out[dst + px] = out[dst + px] * k2 - 1f;
                }
            }
        }
    }
}
