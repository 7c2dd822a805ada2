package dev.streamcanvas.app.source;

import dev.streamcanvas.app.frame.Frame;

/** Moving shapes on a slowly shifting gradient, 30 frames a second: for demos and tests. */
public final class TestPatternSource extends PollingSource {
    private long startNanos;

    @Override
    public SourceKind kind() {
        return SourceKind.TEST_PATTERN;
    }

    @Override
    public String describe() {
        return "Test pattern";
    }

    @Override
    protected long nanosPerFrame() {
        return 1_000_000_000L / 30;
    }

    @Override
    protected void open() {
        startNanos = System.nanoTime();
    }

    @Override
    protected boolean grab(Frame target) {
        render(target, (System.nanoTime() - startNanos) / 1e9);
        return true;
    }

    /** Draws the pattern at time {@code t} seconds (deterministic in t). */
    public static void render(Frame target, double t) {
        int w = target.width();
        int h = target.height();
        int[] px = target.argb();
        double cx = w * (0.5 + 0.3 * Math.cos(t * 0.9));
        double cy = h * (0.5 + 0.3 * Math.sin(t * 1.3));
        double r = Math.min(w, h) * 0.16;
        double angle = t * 0.7;
        double ca = Math.cos(angle);
        double sa = Math.sin(angle);
        double sqx = w * 0.5;
        double sqy = h * 0.5;
        double half = Math.min(w, h) * 0.22;
        double barX = (t * 0.25 % 1.0) * w;
        for (int y = 0; y < h; y++) {
            int row = y * w;
            for (int x = 0; x < w; x++) {
                // background: diagonal gradient drifting with time
                double g = (x + y) / (double) (w + h);
                int rr = (int) (40 + 60 * g + 30 * Math.sin(t * 0.5));
                int gg = (int) (50 + 80 * (1 - g));
                int bb = (int) (110 + 90 * g);
                // rotating square (outline-free solid)
                double dx = x - sqx;
                double dy = y - sqy;
                double u = dx * ca + dy * sa;
                double v = -dx * sa + dy * ca;
                if (Math.abs(u) < half && Math.abs(v) < half) {
                    rr = 230;
                    gg = 180;
                    bb = 40;
                }
                // orbiting disc
                double ex = x - cx;
                double ey = y - cy;
                if (ex * ex + ey * ey < r * r) {
                    rr = 220;
                    gg = 50;
                    bb = 70;
                }
                // sweeping vertical bar
                if (Math.abs(x - barX) < w * 0.02) {
                    rr = 245;
                    gg = 245;
                    bb = 245;
                }
                px[row + x] = 0xFF000000 | clamp(rr) << 16 | clamp(gg) << 8 | clamp(bb);
            }
        }
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    @Override
    protected void close() {
    }
}
