package dev.streamcanvas.engine.stream;

/**
 * Conversions between ARGB pixels and the models' [3, H, W] tensors in [-1, 1] (no allocation: callers pass the
 * destination arrays).
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
        if (sx > 1 || sy > 1) {
            downscale(argb, srcW, srcH, dstW, dstH, x0, y0, sx, sy, out, off);
            return;
        }
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

    /**
     * Antialiased resize (PIL's BILINEAR when reducing): output pixel centre {@code c} in source coordinates, a
     * triangle filter of radius {@code r = max(1, scale)} source pixels, weight {@code 1 - |i + 0.5 - c| / r} on
     * source pixel i, taps outside the image dropped and the weights renormalised. No allocation.
     */
    private static void downscale(int[] argb, int srcW, int srcH, int dstW, int dstH, double x0, double y0,
            double sx, double sy, float[] out, int off) {
        int plane = dstW * dstH;
        double rx = Math.max(1, sx);
        double ry = Math.max(1, sy);
        for (int y = 0; y < dstH; y++) {
            double cy = y0 + (y + 0.5) * sy;
            int iy0 = Math.max(0, (int) Math.floor(cy - ry));
            int iy1 = Math.min(srcH - 1, (int) Math.ceil(cy + ry));
            for (int x = 0; x < dstW; x++) {
                double cx = x0 + (x + 0.5) * sx;
                int ix0 = Math.max(0, (int) Math.floor(cx - rx));
                int ix1 = Math.min(srcW - 1, (int) Math.ceil(cx + rx));
                double r = 0;
                double g = 0;
                double b = 0;
                double wsum = 0;
                for (int iy = iy0; iy <= iy1; iy++) {
                    double wy = 1 - Math.abs(iy + 0.5 - cy) / ry;
                    if (wy <= 0) {
                        continue;
                    }
                    int row = iy * srcW;
                    for (int ix = ix0; ix <= ix1; ix++) {
                        double wx = 1 - Math.abs(ix + 0.5 - cx) / rx;
                        if (wx <= 0) {
                            continue;
                        }
                        double w = wy * wx;
                        int p = argb[row + ix];
                        r += w * ((p >> 16) & 0xff);
                        g += w * ((p >> 8) & 0xff);
                        b += w * (p & 0xff);
                        wsum += w;
                    }
                }
                double k = 2.0 / (255.0 * wsum);
                int i = y * dstW + x;
                out[off + i] = (float) (r * k - 1);
                out[off + plane + i] = (float) (g * k - 1);
                out[off + 2 * plane + i] = (float) (b * k - 1);
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
