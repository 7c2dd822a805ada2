package dev.streamcanvas.engine.stream;

/**
 * Conversions between ARGB pixels and the models' [3, H, W] tensors in [-1, 1] (callers pass the destination
 * arrays; a reduction reuses the caller's {@link Resizer}).
 */
public final class ImageTensors {
    private ImageTensors() {
    }

    /**
     * Centre-crops {@code argb} (srcW x srcH) to the aspect of dstW x dstH, resizes (bilinear when enlarging,
     * antialiased triangle filter over the footprint when reducing, as PIL's BILINEAR) and writes
     * [3, dstH, dstW] values {@code 2 * c / 255 - 1} at {@code out[off..]}. Same size: an exact copy per pixel.
     */
    public static void toTensor(int[] argb, int srcW, int srcH, int dstW, int dstH, float[] out, int off) {
        toTensor(argb, srcW, srcH, dstW, dstH, out, off, null);
    }

    /**
     * As {@link #toTensor(int[], int, int, int, int, float[], int)}, reusing {@code reuse} when it serves this size
     * pair. Returns the resizer to keep for the next frame (null when no reduction was needed).
     */
    static Resizer toTensor(int[] argb, int srcW, int srcH, int dstW, int dstH, float[] out, int off,
            Resizer reuse) {
        if (srcW != dstW || srcH != dstH) {
            double srcAspect = (double) srcW / srcH;
            double dstAspect = (double) dstW / dstH;
            double cropW = srcAspect > dstAspect ? srcH * dstAspect : srcW;
            double cropH = srcAspect > dstAspect ? srcH : srcW / dstAspect;
            if (cropW > dstW || cropH > dstH) {
                Resizer r = reuse != null && reuse.fits(srcW, srcH, dstW, dstH) ? reuse
                        : new Resizer(srcW, srcH, dstW, dstH);
                r.apply(argb, out, off);
                return r;
            }
        }
        enlarge(argb, srcW, srcH, dstW, dstH, out, off);
        return reuse;
    }

    /** Same size (an exact copy) or enlarging on both axes (bilinear, half-pixel centres, edges clamped). */
    private static void enlarge(int[] argb, int srcW, int srcH, int dstW, int dstH, float[] out, int off) {
        int plane = dstW * dstH;
        if (srcW == dstW && srcH == dstH) {
            for (int i = 0; i < plane; i++) {
                int p = argb[i];
                out[off + i] = ((p >> 16) & 0xff) * (2f / 255f) - 1f;
                out[off + plane + i] = ((p >> 8) & 0xff) * (2f / 255f) - 1f;
                out[off + 2 * plane + i] = (p & 0xff) * (2f / 255f) - 1f;
            }
            return;
        }
        // crop window in source pixels with the destination's aspect
        double srcAspect = (double) srcW / srcH;
        double dstAspect = (double) dstW / dstH;
        double cropW = srcAspect > dstAspect ? srcH * dstAspect : srcW;
        double cropH = srcAspect > dstAspect ? srcH : srcW / dstAspect;
        double x0 = (srcW - cropW) / 2;
        double y0 = (srcH - cropH) / 2;
        double sx = cropW / dstW;
        double sy = cropH / dstH;
        for (int y = 0; y < dstH; y++) {
            double fy = Math.min(Math.max(y0 + (y + 0.5) * sy - 0.5, 0), srcH - 1);
            int ya = (int) fy;
            int yb = Math.min(ya + 1, srcH - 1);
            float wy = (float) (fy - ya);
            for (int x = 0; x < dstW; x++) {
                double fx = Math.min(Math.max(x0 + (x + 0.5) * sx - 0.5, 0), srcW - 1);
                int xa = (int) fx;
                int xb = Math.min(xa + 1, srcW - 1);
                float wx = (float) (fx - xa);
                int p00 = argb[ya * srcW + xa];
                int p01 = argb[ya * srcW + xb];
                int p10 = argb[yb * srcW + xa];
                int p11 = argb[yb * srcW + xb];
                int i = y * dstW + x;
                for (int c = 0; c < 3; c++) {
                    int shift = 16 - 8 * c;
                    float top = ((p00 >> shift) & 0xff) * (1 - wx) + ((p01 >> shift) & 0xff) * wx;
                    float bottom = ((p10 >> shift) & 0xff) * (1 - wx) + ((p11 >> shift) & 0xff) * wx;
                    out[off + c * plane + i] = (top * (1 - wy) + bottom * wy) * (2f / 255f) - 1f;
                }
            }
        }
    }

    /** Writes [3, H, W] values at {@code in[off..]} (about [-1, 1]) as opaque ARGB, rounding and clamping. */
    public static void toArgb(float[] in, int off, int width, int height, int[] argb) {
        int plane = width * height;
        for (int i = 0; i < plane; i++) {
            int r = channel(in[off + i]);
            int g = channel(in[off + plane + i]);
            int b = channel(in[off + 2 * plane + i]);
            argb[i] = 0xff000000 | (r << 16) | (g << 8) | b;
        }
    }

    private static int channel(float v) {
        float c = (v + 1f) * 127.5f;
        if (!(c > 0f)) {
            return 0; // also NaN
        }
        return c >= 255f ? 255 : Math.round(c);
    }
}
