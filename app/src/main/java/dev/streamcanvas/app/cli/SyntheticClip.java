package dev.streamcanvas.app.cli;

import dev.streamcanvas.engine.v2v.OpticalFlow;

/**
 * Synthetic clips for the consistency measurement: a virtual camera looking at an image (or, without one, at a
 * procedural texture of soft blobs, stripes and edges). {@code pan} moves at a constant 1.5 x 0.75 output pixels
 * per frame (known flow); {@code handheld} adds a slow zoom, a small rotation and smooth jitter, like a hand-held
 * phone. Deterministic in the frame index.
 */
final class SyntheticClip {
    private static final double TEXTURE = 1024; // side of the procedural texture's virtual image

    private SyntheticClip() {
    }

    static int[] pan(ImageInputs.Image src, int w, int h, int k) {
        double side = side(src);
        double scale = 0.6 * side / Math.max(w, h); // source pixels per output pixel
        double cx = side * 0.35 + 1.5 * k * scale;
        double cy = side * 0.4 + 0.75 * k * scale;
        return view(src, w, h, cx, cy, scale, 0);
    }

    static int[] handheld(ImageInputs.Image src, int w, int h, int k) {
        double side = side(src);
        double base = 0.6 * side / Math.max(w, h);
        double scale = base / (1 + 0.006 * k); // slow zoom in
        double jx = 1.2 * Math.sin(0.9 * k) + 0.7 * Math.sin(2.3 * k + 1);
        double jy = 1.0 * Math.cos(1.1 * k) + 0.5 * Math.sin(1.7 * k + 2);
        double cx = side * 0.45 + (1.0 * k + jx) * base;
        double cy = side * 0.45 + (0.4 * k + jy) * base;
        double angle = Math.toRadians(1.5 * Math.sin(0.35 * k));
        return view(src, w, h, cx, cy, scale, angle);
    }

    private static double side(ImageInputs.Image src) {
        return src == null ? TEXTURE : Math.min(src.width(), src.height());
    }

    /** Output pixel (x, y) shows the source at centre + R(angle) * scale * (x - w/2, y - h/2). */
    private static int[] view(ImageInputs.Image src, int w, int h, double cx, double cy, double scale, double angle) {
        int[] out = new int[w * h];
        double cos = Math.cos(angle) * scale;
        double sin = Math.sin(angle) * scale;
        float[][] planes = src == null ? null : planes(src);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double dx = x - w / 2.0;
                double dy = y - h / 2.0;
                double sx = cx + cos * dx - sin * dy;
                double sy = cy + sin * dx + cos * dy;
                out[y * w + x] = src == null ? texture(sx, sy) : bilinear(planes, src.width(), src.height(), sx, sy);
            }
        }
        return out;
    }

    private static int texture(double x, double y) {
        double u = x / TEXTURE;
        double v = y / TEXTURE;
        double r = 0.5 + 0.35 * Math.sin(9 * u + 2 * Math.sin(5 * v));
        double g = 0.5 + 0.35 * Math.cos(7 * v - 3 * u);
        double b = 0.5 + 0.3 * Math.sin(13 * (u + v));
        // soft blobs and a few hard edges
        for (int i = 0; i < 7; i++) {
            double bx = 0.15 + 0.7 * ((i * 0.37) % 1.0);
            double by = 0.15 + 0.7 * ((i * 0.61) % 1.0);
            double d = Math.hypot(u - bx, v - by);
            if (d < 0.06 + 0.01 * i) {
                r = 0.9 - 0.1 * i % 0.5;
                g = 0.2 + 0.1 * i;
                b = 0.3;
            }
        }
        if (((int) Math.floor(u * 12) + (int) Math.floor(v * 12)) % 7 == 0) {
            r *= 0.5;
            g *= 0.5;
            b *= 0.5;
        }
        return 0xff000000 | (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
    }

    /** The image as three float planes (R, G, B) for {@link OpticalFlow#sample}. */
    private static float[][] planes(ImageInputs.Image img) {
        int n = img.width() * img.height();
        float[][] c = new float[3][n];
        for (int i = 0; i < n; i++) {
            int p = img.argb()[i];
            c[0][i] = (p >> 16) & 0xff;
            c[1][i] = (p >> 8) & 0xff;
            c[2][i] = p & 0xff;
        }
        return c;
    }

    private static int bilinear(float[][] planes, int w, int h, double x, double y) {
        int r = Math.round(OpticalFlow.sample(planes[0], w, h, (float) x, (float) y));
        int g = Math.round(OpticalFlow.sample(planes[1], w, h, (float) x, (float) y));
        int b = Math.round(OpticalFlow.sample(planes[2], w, h, (float) x, (float) y));
        return 0xff000000 | (r << 16) | (g << 8) | b;
    }

    private static int clamp(double v) {
        return (int) Math.round(255 * Math.max(0, Math.min(1, v)));
    }
}
