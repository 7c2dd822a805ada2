package dev.streamcanvas.engine.v2v;

/**
 * Dense optical flow by Horn-Schunck, coarse to fine: at each pyramid level the second image is warped by the
 * current flow and the increment is found with the Horn-Schunck iteration (brightness constancy linearised around
 * the warp, smoothness weight alpha^2 on the total flow). Convention: {@code I1(x) ~ I2(x + f(x))}.
 *
 * <p>Why our own and not BoofCV: the metric needs one dense flow on small grey frames (64..512 px); this is ~150
 * lines with no dependency, deterministic, and checked against known translations in its test, whereas BoofCV
 * would add a multi-megabyte library for one function. Stateless apart from the parameters.
 *
 * @param alpha      smoothness weight (grey levels in [0, 1]); larger = smoother flow
 * @param iterations Horn-Schunck iterations per warp
 * @param warps      warps per pyramid level
 */
public record OpticalFlow(float alpha, int iterations, int warps) {
    /** Parameters that suit frames in [0, 1] with motions of a few pixels per frame. */
    public static final OpticalFlow DEFAULT = new OpticalFlow(0.05f, 60, 3);
    private static final int MIN_SIDE = 12;

    public OpticalFlow {
        if (!(alpha > 0) || iterations < 1 || warps < 1) {
            throw new IllegalArgumentException("optical flow needs alpha > 0, iterations >= 1, warps >= 1");
        }
    }

    /**
     * Flow from {@code a} to {@code b} (grey, row-major, h x w).
     *
     * @return [2, h, w]: u (x displacement) then v (y displacement), in pixels
     */
    public float[] flow(float[] a, float[] b, int w, int h) {
        int levels = 1;
        while ((w >> levels) >= MIN_SIDE && (h >> levels) >= MIN_SIDE && levels < 6) {
            levels++;
        }
        float[][] pa = new float[levels][];
        float[][] pb = new float[levels][];
        int[] ws = new int[levels];
        int[] hs = new int[levels];
        pa[0] = a;
        pb[0] = b;
        ws[0] = w;
        hs[0] = h;
        for (int l = 1; l < levels; l++) {
            ws[l] = ws[l - 1] / 2;
            hs[l] = hs[l - 1] / 2;
            pa[l] = down(pa[l - 1], ws[l - 1], hs[l - 1]);
            pb[l] = down(pb[l - 1], ws[l - 1], hs[l - 1]);
        }
        float[] u = new float[ws[levels - 1] * hs[levels - 1]];
        float[] v = new float[u.length];
        for (int l = levels - 1; l >= 0; l--) {
            int lw = ws[l];
            int lh = hs[l];
            if (l < levels - 1) {
                float[][] up = up(u, v, ws[l + 1], hs[l + 1], lw, lh);
                u = up[0];
                v = up[1];
            }
            for (int k = 0; k < warps; k++) {
                refine(pa[l], pb[l], lw, lh, u, v);
            }
        }
        float[] out = new float[2 * w * h];
        System.arraycopy(u, 0, out, 0, w * h);
        System.arraycopy(v, 0, out, w * h, w * h);
        return out;
    }

    /** One warp: linearise around the current flow and run the Horn-Schunck iteration for the increment. */
    private void refine(float[] a, float[] b, int w, int h, float[] u, float[] v) {
        int n = w * h;
        float[] bw = new float[n];
        float[] ix = new float[n];
        float[] iy = new float[n];
        float[] it = new float[n];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                bw[i] = sample(b, w, h, x + u[i], y + v[i]);
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int xl = Math.max(0, x - 1);
                int xr = Math.min(w - 1, x + 1);
                int yu = Math.max(0, y - 1);
                int yd = Math.min(h - 1, y + 1);
                // gradients of the average of the first image and the warped second one
                ix[i] = 0.25f * (a[y * w + xr] - a[y * w + xl] + bw[y * w + xr] - bw[y * w + xl]);
                iy[i] = 0.25f * (a[yd * w + x] - a[yu * w + x] + bw[yd * w + x] - bw[yu * w + x]);
                it[i] = bw[i] - a[i];
            }
        }
        float a2 = alpha * alpha;
        float[] du = new float[n];
        float[] dv = new float[n];
        float[] nu = new float[n];
        float[] nv = new float[n];
        for (int k = 0; k < iterations; k++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = y * w + x;
                    // neighbour mean of the total flow, minus the current flow: the smoothness target for du
                    float mu = mean4(u, du, w, h, x, y) - u[i];
                    float mv = mean4(v, dv, w, h, x, y) - v[i];
                    float t = (ix[i] * mu + iy[i] * mv + it[i]) / (a2 + ix[i] * ix[i] + iy[i] * iy[i]);
                    nu[i] = mu - ix[i] * t;
                    nv[i] = mv - iy[i] * t;
                }
            }
            float[] s = du;
            du = nu;
            nu = s;
            s = dv;
            dv = nv;
            nv = s;
        }
        for (int i = 0; i < n; i++) {
            u[i] += du[i];
            v[i] += dv[i];
        }
    }

    private static float mean4(float[] base, float[] inc, int w, int h, int x, int y) {
        int xl = Math.max(0, x - 1);
        int xr = Math.min(w - 1, x + 1);
        int yu = Math.max(0, y - 1);
        int yd = Math.min(h - 1, y + 1);
        int a = y * w + xl;
        int b = y * w + xr;
        int c = yu * w + x;
        int d = yd * w + x;
        return 0.25f * (base[a] + inc[a] + base[b] + inc[b] + base[c] + inc[c] + base[d] + inc[d]);
    }

    /** Bilinear sample with clamped coordinates. */
    public static float sample(float[] img, int w, int h, float x, float y) {
        float cx = Math.max(0, Math.min(w - 1, x));
        float cy = Math.max(0, Math.min(h - 1, y));
        int x0 = (int) cx;
        int y0 = (int) cy;
        int x1 = Math.min(w - 1, x0 + 1);
        int y1 = Math.min(h - 1, y0 + 1);
        float fx = cx - x0;
        float fy = cy - y0;
        float top = img[y0 * w + x0] * (1 - fx) + img[y0 * w + x1] * fx;
        float bottom = img[y1 * w + x0] * (1 - fx) + img[y1 * w + x1] * fx;
        return top * (1 - fy) + bottom * fy;
    }

    private static float[] down(float[] img, int w, int h) {
        int dw = w / 2;
        int dh = h / 2;
        float[] out = new float[dw * dh];
        for (int y = 0; y < dh; y++) {
            for (int x = 0; x < dw; x++) {
                int i = 2 * y * w + 2 * x;
                out[y * dw + x] = 0.25f * (img[i] + img[i + 1] + img[i + w] + img[i + w + 1]);
            }
        }
        return out;
    }

    private static float[][] up(float[] u, float[] v, int w, int h, int nw, int nh) {
        float[] ou = new float[nw * nh];
        float[] ov = new float[nw * nh];
        float sx = (float) w / nw;
        float sy = (float) h / nh;
        for (int y = 0; y < nh; y++) {
            for (int x = 0; x < nw; x++) {
                float px = (x + 0.5f) * sx - 0.5f;
                float py = (y + 0.5f) * sy - 0.5f;
                ou[y * nw + x] = sample(u, w, h, px, py) / sx;
                ov[y * nw + x] = sample(v, w, h, px, py) / sy;
            }
        }
        return new float[][] {ou, ov};
    }
}
