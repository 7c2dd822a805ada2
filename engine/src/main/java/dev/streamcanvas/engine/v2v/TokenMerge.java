package dev.streamcanvas.engine.v2v;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Bipartite soft matching of a bank with a new frame's tokens (StreamV2V's bank update, in our words):
 * X = [bank ; new] has 2N tokens; a seeded random split picks N destinations (round(ratio * N) of them from the
 * new frame, the rest from the bank, each part chosen uniformly at random) and leaves the other N as sources;
 * every source goes to the destination whose key is most similar (cosine); every destination becomes the mean of
 * itself and the sources assigned to it. The one assignment, found on the keys (feature 0), is applied to every
 * feature (K, V and O), so the merged bank is exactly N tokens and the total mass is kept:
 * sum over destinations of (1 + merged count) x value = sum of all 2N inputs.
 *
 * <p>The workspace grows to the largest N and width seen and is then reused. Not thread-safe.
 */
public final class TokenMerge {
    private SplittableRandom random;
    private int[] order = new int[0]; // [2N] destinations first, then sources (indices into X)
    private int[] assign = new int[0]; // [N] destination slot of each source
    private int[] counts = new int[0]; // [N] sources merged into each destination
    private int[] bankIdx = new int[0]; // [N] shuffled bank indices
    private int[] freshIdx = new int[0]; // [N] shuffled new-frame indices
    private float[] unitDest = new float[0]; // [N, Ck] normalised destination keys
    private float[] unitSrc = new float[0]; // [Ck]
    private int lastN;

    public TokenMerge(long seed) {
        reseed(seed);
    }

    /** Restarts the split stream (a bank reset does this, so runs are reproducible). */
    public void reseed(long seed) {
        random = new SplittableRandom(seed);
    }

    /**
     * Merges.
     *
     * @param n      tokens per part N
     * @param ratio  share of the destinations drawn from the new frame, in [0, 1]
     * @param x      per feature, [2N, widths[f]] row-major: rows 0..N-1 the bank, N..2N-1 the new frame
     * @param widths per feature, its width; feature 0 are the keys that decide the assignment
     * @param out    per feature, receives the merged [N, widths[f]]
     */
    public void merge(int n, float ratio, float[][] x, int[] widths, float[][] out) {
        if (n < 1) {
            throw new IllegalArgumentException("merge needs at least one token per part, got " + n);
        }
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("merge ratio must be in [0, 1], got " + ratio);
        }
        ensure(n, widths[0]);
        split(n, ratio);
        assign(n, x[0], widths[0]);
        for (int f = 0; f < x.length; f++) {
            average(n, x[f], widths[f], out[f]);
        }
    }

    /** [2N] the last split: destinations (slots 0..N-1) then sources, as indices into X. A copy. */
    public int[] lastOrder() {
        return Arrays.copyOf(order, 2 * lastN);
    }

    /** [N] the last assignment: destination slot of each source (in {@link #lastOrder()} source order). A copy. */
    public int[] lastAssignment() {
        return Arrays.copyOf(assign, lastN);
    }

    private void ensure(int n, int ck) {
        lastN = n;
        if (order.length < 2 * n) {
            order = new int[2 * n];
            assign = new int[n];
            counts = new int[n];
            bankIdx = new int[n];
            freshIdx = new int[n];
        }
        if (unitDest.length < n * ck) {
            unitDest = new float[n * ck];
        }
        if (unitSrc.length < ck) {
            unitSrc = new float[ck];
        }
    }

    /** Destinations: k random new-frame tokens and N - k random bank tokens; the rest are sources. */
    private void split(int n, float ratio) {
        int fromNew = Math.round(ratio * n);
        int fromBank = n - fromNew;
        // partial Fisher-Yates within each part: bank indices 0..N-1, new indices N..2N-1
        int[] bank = bankIdx;
        int[] fresh = freshIdx;
        for (int i = 0; i < n; i++) {
            bank[i] = i;
            fresh[i] = n + i;
        }
        shuffleHead(bank, n, fromBank);
        shuffleHead(fresh, n, fromNew);
        int d = 0;
        int s = n;
        for (int i = 0; i < n; i++) {
            if (i < fromBank) {
                order[d++] = bank[i];
            } else {
                order[s++] = bank[i];
            }
        }
        for (int i = 0; i < n; i++) {
            if (i < fromNew) {
                order[d++] = fresh[i];
            } else {
                order[s++] = fresh[i];
            }
        }
    }

    private void shuffleHead(int[] a, int len, int k) {
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(len - i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Each source to the destination with the most similar key (cosine; ties to the lower slot). */
    private void assign(int n, float[] keys, int ck) {
        for (int d = 0; d < n; d++) {
            normalise(keys, order[d] * ck, ck, unitDest, d * ck);
        }
        for (int s = 0; s < n; s++) {
            normalise(keys, order[n + s] * ck, ck, unitSrc, 0);
            int best = 0;
            float bestSim = Float.NEGATIVE_INFINITY;
            for (int d = 0; d < n; d++) {
                float dot = dot(unitSrc, unitDest, d * ck, ck);
                if (dot > bestSim) {
                    bestSim = dot;
                    best = d;
                }
            }
            assign[s] = best;
        }
    }

    /** a[0..len) . b[off..off+len), with four partial sums (the JIT does not vectorise a float reduction). */
    private static float dot(float[] a, float[] b, int off, int len) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int c = 0;
        for (; c + 3 < len; c += 4) {
            s0 += a[c] * b[off + c];
            s1 += a[c + 1] * b[off + c + 1];
            s2 += a[c + 2] * b[off + c + 2];
            s3 += a[c + 3] * b[off + c + 3];
        }
        for (; c < len; c++) {
            s0 += a[c] * b[off + c];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static void normalise(float[] src, int off, int len, float[] dst, int dstOff) {
        double ss = 0;
        for (int c = 0; c < len; c++) {
            ss += (double) src[off + c] * src[off + c];
        }
        float inv = (float) (1.0 / Math.max(Math.sqrt(ss), 1e-12));
        for (int c = 0; c < len; c++) {
            dst[dstOff + c] = src[off + c] * inv;
        }
    }

    /** out[d] = (X[dest d] + sum of X[sources assigned to d]) / (1 + count). */
    private void average(int n, float[] x, int width, float[] out) {
        Arrays.fill(counts, 0, n, 0);
        for (int d = 0; d < n; d++) {
            System.arraycopy(x, order[d] * width, out, d * width, width);
        }
        for (int s = 0; s < n; s++) {
            int d = assign[s];
            counts[d]++;
            int so = order[n + s] * width;
            int o = d * width;
            for (int c = 0; c < width; c++) {
                out[o + c] += x[so + c];
            }
        }
        for (int d = 0; d < n; d++) {
            if (counts[d] > 0) {
                float inv = 1f / (1 + counts[d]);
                int o = d * width;
                for (int c = 0; c < width; c++) {
                    out[o + c] *= inv;
                }
            }
        }
    }
}
