package dev.streamcanvas.app.frame;

/** Pixel helpers on ARGB arrays (no toolkit types). */
public final class Rasters {
    private Rasters() {
    }

    /**
     * Scales {@code src} (sw x sh) to fill dst (dw x dh) keeping the aspect ratio, cropping the overflow
     * around the centre ("cover"), bilinear, optionally mirrored left-right. Writes opaque pixels.
     */
    public static void coverScale(int[] src, int sw, int sh, int[] dst, int dw, int dh, boolean mirror) {
        double scale = Math.max((double) dw / sw, (double) dh / sh);
        double offX = (sw - dw / scale) / 2.0;
        double offY = (sh - dh / scale) / 2.0;
        for (int y = 0; y < dh; y++) {
            double sy = offY + (y + 0.5) / scale - 0.5;
            int y0 = clamp((int) Math.floor(sy), 0, sh - 1);
            int y1 = Math.min(y0 + 1, sh - 1);
            double fy = Math.min(Math.max(sy - Math.floor(sy), 0), 1);
            if (sy < 0) {
                fy = 0;
            }
            int row = y * dw;
            for (int x = 0; x < dw; x++) {
                int dx = mirror ? dw - 1 - x : x;
                double sx = offX + (dx + 0.5) / scale - 0.5;
                int x0 = clamp((int) Math.floor(sx), 0, sw - 1);
                int x1 = Math.min(x0 + 1, sw - 1);
                double fx = sx < 0 ? 0 : Math.min(sx - Math.floor(sx), 1);
                dst[row + x] = bilerp(src[y0 * sw + x0], src[y0 * sw + x1], src[y1 * sw + x0], src[y1 * sw + x1], fx, fy);
            }
        }
    }

    private static int clamp(int v, int lo, int hi) {
        return v < lo ? lo : (v > hi ? hi : v);
    }

    private static int bilerp(int p00, int p01, int p10, int p11, double fx, double fy) {
        int r = lerp2(p00 >> 16 & 0xFF, p01 >> 16 & 0xFF, p10 >> 16 & 0xFF, p11 >> 16 & 0xFF, fx, fy);
        int g = lerp2(p00 >> 8 & 0xFF, p01 >> 8 & 0xFF, p10 >> 8 & 0xFF, p11 >> 8 & 0xFF, fx, fy);
        int b = lerp2(p00 & 0xFF, p01 & 0xFF, p10 & 0xFF, p11 & 0xFF, fx, fy);
        return 0xFF000000 | r << 16 | g << 8 | b;
    }

    private static int lerp2(int a, int b, int c, int d, double fx, double fy) {
        double top = a + (b - a) * fx;
        double bottom = c + (d - c) * fx;
        return (int) Math.round(top + (bottom - top) * fy);
    }

    /** Mean absolute difference per channel between two same-size frames, in [0, 255]. */
    public static double meanAbsDifference(int[] a, int[] b, int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            int p = a[i];
            int q = b[i];
            sum += Math.abs((p >> 16 & 0xFF) - (q >> 16 & 0xFF)) + Math.abs((p >> 8 & 0xFF) - (q >> 8 & 0xFF))
                    + Math.abs((p & 0xFF) - (q & 0xFF));
        }
        return sum / (3.0 * n);
    }
}
