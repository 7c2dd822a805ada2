package dev.streamcanvas.engine.calib;

/**
 * Exact Euclidean distance transform (Felzenszwalb and Huttenlocher, "Distance transforms of sampled
 * functions", 2012): the squared distance is separable, so one pass of the 1-D lower envelope of parabolas
 * over every column and one over every row give, for each pixel, the distance to the nearest pixel of the set.
 * Not thread-safe (reuses its scratch buffers); one instance per thread.
 */
public final class DistanceTransform {
    /** Squared distance used for "no set pixel on this line yet"; larger than any real squared distance. */
    static final float FAR = 1e20f;

    private final int width;
    private final int height;
    private final float[] f;      // [max(w,h)] one line of the input
    private final float[] d;      // [max(w,h)] one line of the output
    private final int[] v;        // [max(w,h)] parabola apexes of the lower envelope
    private final float[] z;      // [max(w,h)+1] boundaries between envelope parabolas
    private final int[] arg;      // [max(w,h)] apex of the parabola that wins at each position
    private final int[] rowArg;   // [h*w] after the column pass: row of the nearest set pixel in the column

    public DistanceTransform(int width, int height) {
        this.width = width;
        this.height = height;
        int n = Math.max(width, height);
        f = new float[n];
        d = new float[n];
        v = new int[n];
        z = new float[n + 1];
        arg = new int[n];
        rowArg = new int[width * height];
    }

    /**
     * Distances (pixels) from each pixel to the nearest pixel whose mask id equals {@code classId}, written into
     * {@code out} ([height * width]); {@link Float#POSITIVE_INFINITY} everywhere when the class is absent.
     */
    public void ofClass(ClassMask mask, int classId, float[] out) {
        compute(mask, classId, false, out, null);
    }

    /**
     * As {@link #ofClass(ClassMask, int, float[])}, and also writes into {@code nearest} ([h * w]) the index
     * y * width + x of a nearest class pixel (-1 when the class is absent).
     */
    public void ofClass(ClassMask mask, int classId, float[] out, int[] nearest) {
        compute(mask, classId, false, out, nearest);
    }

    /**
     * Distances (pixels) from each pixel to the nearest pixel whose id is NOT {@code classId} (how deep a pixel
     * lies inside its class region); infinite everywhere when the whole mask is that class.
     */
    public void ofOtherClasses(ClassMask mask, int classId, float[] out) {
        compute(mask, classId, true, out, null);
    }

    private void compute(ClassMask mask, int classId, boolean invert, float[] out, int[] nearest) {
        if (mask.width() != width || mask.height() != height) {
            throw new IllegalArgumentException("mask is " + mask.width() + "x" + mask.height()
                    + ", transform was built for " + width + "x" + height);
        }
        byte[] ids = mask.ids();
        boolean any = false;
        for (int i = 0; i < ids.length; i++) {
            boolean in = ((ids[i] & 0xff) == classId) != invert;
            out[i] = in ? 0f : FAR;
            any |= in;
        }
        if (!any) {
            java.util.Arrays.fill(out, Float.POSITIVE_INFINITY);
            if (nearest != null) {
                java.util.Arrays.fill(nearest, -1);
            }
            return;
        }
        squared(out, nearest);
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) Math.sqrt(out[i]);
        }
    }

    /** In place: {@code grid} holds 0 on the set and {@link #FAR} elsewhere; on return, squared distances. */
    void squared(float[] grid, int[] nearest) {
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                f[y] = grid[y * width + x];
            }
            envelope(height);
            for (int y = 0; y < height; y++) {
                grid[y * width + x] = d[y];
                rowArg[y * width + x] = arg[y];
            }
        }
        for (int y = 0; y < height; y++) {
            System.arraycopy(grid, y * width, f, 0, width);
            envelope(width);
            System.arraycopy(d, 0, grid, y * width, width);
            if (nearest != null) {
                for (int x = 0; x < width; x++) {
                    int xn = arg[x];
                    nearest[y * width + x] = rowArg[y * width + xn] * width + xn;
                }
            }
        }
    }

    /** d[q] = min_p (q - p)^2 + f[p] over p in [0, n). */
    private void envelope(int n) {
        int k = 0;
        v[0] = 0;
        z[0] = Float.NEGATIVE_INFINITY;
        z[1] = Float.POSITIVE_INFINITY;
        for (int q = 1; q < n; q++) {
            float s;
            while (true) {
                int p = v[k];
                // intersection of the parabolas rooted at q and p
                s = ((f[q] + (float) q * q) - (f[p] + (float) p * p)) / (2f * (q - p));
                if (s <= z[k] && k > 0) {
                    k--;
                } else {
                    break;
                }
            }
            if (s <= z[k]) {
                // k == 0 and the new parabola dominates everywhere
                v[0] = q;
                z[0] = Float.NEGATIVE_INFINITY;
                z[1] = Float.POSITIVE_INFINITY;
                continue;
            }
            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = Float.POSITIVE_INFINITY;
        }
        k = 0;
        for (int q = 0; q < n; q++) {
            while (z[k + 1] < q) {
                k++;
            }
            float dq = q - v[k];
            d[q] = dq * dq + f[v[k]];
            arg[q] = v[k];
        }
    }
}
