package dev.streamcanvas.engine.calib;

import java.util.Arrays;
import java.util.List;

/**
 * The pixel-wise bidirectional segmentation loss of a calibration guess (R, t, delta), evaluated over a set
 * of frames. Per frame and class c:
 * <ul>
 *   <li>point to mask: every selected LIDAR point of class c is projected, p = K (R X + t), shifted by its
 *       pixel's velocity times the time offset, p' = p - delta * flow(p) (the point was measured delta after
 *       the image), and scores min(cap, D_c(p')), with D_c the distance transform of the class-c mask sampled
 *       bilinearly;</li>
 *   <li>mask to point: every sampled class-c mask pixel in a row band the LIDAR covers scores
 *       min(cap, max(0, d - g)), d the distance to the nearest projected class-c point (found in a uniform
 *       grid) and g half the LIDAR ring spacing in pixels (gaps between rings are not misalignment).</li>
 * </ul>
 * The loss is the mean over (frame, class, direction) terms of each term's mean. Everything that does not
 * depend on the parameters (distance transforms, point lists by class, candidate mask samples) is computed
 * once in the constructor; {@link #evaluate} allocates nothing. Not thread-safe.
 */
public final class BidirectionalLoss {

    /**
     * Per-stage settings: caps in pixels, which points and mask pixels take part.
     *
     * @param pointCapPx     cap of the point-to-mask distance
     * @param maskCapPx      cap of the mask-to-point distance beyond the ring gap
     * @param pointStride    every n-th point of each class
     * @param sampleStride   mask pixels on a grid of this spacing
     * @param useTime        apply the time-offset shift
     * @param bandPx         mask pixels deeper than this inside their class are not sampled (infinite: all candidates)
     * @param skipInteriorPx points that project deeper than this inside their own class region at the stage start
     *                       score 0 without being evaluated (they stay inside under the small moves of a fine stage);
     *                       infinite: evaluate every point
     */
    public record Stage(double pointCapPx, double maskCapPx, int pointStride, int sampleStride, boolean useTime,
            double bandPx, double skipInteriorPx) {
        public Stage {
            if (!(pointCapPx > 0) || !(maskCapPx > 0) || pointStride < 1 || sampleStride < 1 || !(bandPx > 0)
                    || !(skipInteriorPx > 0)) {
                throw new IllegalArgumentException("caps, band and interior margin must be > 0 and strides >= 1");
            }
        }

        /** A stage that samples every candidate mask pixel and evaluates every point. */
        public Stage(double pointCapPx, double maskCapPx, int pointStride, int sampleStride, boolean useTime) {
            this(pointCapPx, maskCapPx, pointStride, sampleStride, useTime, Double.POSITIVE_INFINITY,
                    Double.POSITIVE_INFINITY);
        }
    }

    private final Intrinsics cam;
    private final int[] classes;           // class ids taking part
    private final double ringGapPx;        // half the LIDAR ring spacing in pixels
    private final FrameData[] frames;

    // current stage
    private Stage stage;
    private boolean limitRows = true;
    private int[] activeFrames = new int[0];

    // scratch of one evaluation
    private final double[] rot = new double[9];

    /**
     * Builds the loss.
     *
     * @param cam          the camera
     * @param frames       the frames (masks must match the camera)
     * @param classes      class ids used on both sides (point labels already mapped to mask ids)
     * @param ringGapPx    half the LIDAR ring spacing in pixels
     * @param bandPx       only mask pixels within this distance of a class boundary are sampled
     */
    public BidirectionalLoss(Intrinsics cam, List<CalibFrame> frames, int[] classes, double ringGapPx, double bandPx) {
        this.cam = cam;
        this.classes = classes.clone();
        this.ringGapPx = ringGapPx;
        this.frames = new FrameData[frames.size()];
        DistanceTransform dt = new DistanceTransform(cam.width(), cam.height());
        for (int f = 0; f < frames.size(); f++) {
            this.frames[f] = new FrameData(frames.get(f), cam, this.classes, dt, bandPx);
        }
    }

    /** Whether mask samples are limited to the rows the LIDAR covers (default true; false for the ablation study). */
    public void setLimitToLidarRows(boolean on) {
        this.limitRows = on;
    }

    public int frameCount() {
        return frames.length;
    }

    public int[] classes() {
        return classes.clone();
    }

    /**
     * Starts a stage: fixes the frames, caps and strides, and selects the points (those projecting into the
     * image under {@code guess}) and the mask samples (rows the selected points cover, per 16-pixel column
     * band) that take part until the next call.
     */
    public void beginStage(Stage s, int[] frameIndices, Extrinsic guess, double deltaS) {
        this.stage = s;
        this.activeFrames = frameIndices.clone();
        double[] r = guess.r();
        double[] t = effectiveT(guess);
        for (int f : activeFrames) {
            frames[f].select(s, r, t, deltaS, cam, limitRows);
        }
    }

    private double[] effectiveT(Extrinsic e) {
        double[] off = cam.offset();
        return new double[] {e.t(0) + off[0], e.t(1) + off[1], e.t(2) + off[2]};
    }

    /** The loss at rotation exp(w) R0, translation t0 + dt (metres), offset deltaS (seconds). */
    public double evaluate(double[] r, double[] t, double deltaS) {
        if (stage == null) {
            throw new IllegalStateException("beginStage must be called before evaluate");
        }
        double[] off = cam.offset();
        double tx = t[0] + off[0];
        double ty = t[1] + off[1];
        double tz = t[2] + off[2];
        double total = 0;
        int terms = 0;
        for (int f : activeFrames) {
            FrameData fd = frames[f];
            double dts = stage.useTime() ? deltaS : 0;
            for (int ci = 0; ci < classes.length; ci++) {
                if (fd.selectedCount[ci] > 0) {
                    total += fd.pointToMask(ci, r, tx, ty, tz, dts, cam, stage) / fd.selectedCount[ci];
                    terms++;
                }
            }
            fd.buildGrid(classes.length);
            for (int ci = 0; ci < classes.length; ci++) {
                if (fd.activeSamples[ci] > 0) {
                    total += fd.maskToPoint(ci, ringGapPx, stage.maskCapPx()) / fd.activeSamples[ci];
                    terms++;
                }
            }
        }
        return terms == 0 ? 0 : total / terms;
    }

    /** Convenience: the loss of an extrinsic and offset. */
    public double evaluate(Extrinsic e, double deltaS) {
        double[] r = e.r();
        System.arraycopy(r, 0, rot, 0, 9);
        return evaluate(rot, e.t(), deltaS);
    }

    /** Counts of the current stage (points and mask samples taking part), for reports. */
    public long[] stageCounts() {
        long pts = 0;
        long samples = 0;
        for (int f : activeFrames) {
            for (int ci = 0; ci < classes.length; ci++) {
                pts += frames[f].selectedCount[ci];
                samples += frames[f].activeSamples[ci];
            }
        }
        return new long[] {pts, samples};
    }

    /** The median pixel speed (px/s) over labelled pixels of frame f: about 0 when the vehicle is stopped. */
    public static double medianFlow(CalibFrame frame) {
        byte[] ids = frame.mask().ids();
        float[] uv = frame.flow().uv();
        int n = 0;
        float[] speeds = new float[(ids.length + 3) / 4];
        for (int i = 0; i < ids.length; i += 4) {
            if (ids[i] != 0) {
                speeds[n++] = (float) Math.hypot(uv[2 * i], uv[2 * i + 1]);
            }
        }
        if (n == 0) {
            return 0;
        }
        Arrays.sort(speeds, 0, n);
        return speeds[n / 2];
    }

    /** Everything one frame needs; the arrays are reused across evaluations. */
    private static final class FrameData {
        final int w;
        final int h;
        final double cx;
        final double cy;
        final float[][] dist;        // [class][h*w] distance to the class mask, pixels
        final int[][] nearest;       // [class][h*w] index of the nearest pixel of the class (flow is read there)
        final byte[] ids;            // [h*w] the mask
        final float[] depthInside;   // [h*w] distance from a pixel of a used class to the nearest other-class pixel
        final float[] sampleDepth;   // [samples] depthInside of each candidate mask sample
        final int[] classIds;        // [C]
        final float[] flow;          // [2*h*w] px/s
        // points grouped by class
        final float[] px;            // [n] LIDAR frame, metres
        final float[] py;
        final float[] pz;
        final int[] classStart;      // [C+1]
        // the points taking part in the current stage, copied contiguously by class
        final float[] sx;            // [n] LIDAR frame, metres
        final float[] sy;
        final float[] sz;
        final int[] selStart;        // [C+1] the evaluated points of each class
        final int[] selectedCount;   // [C] evaluated plus skipped interior points (the normaliser)
        final float[] pu;            // [n] last projection of selected point k (NaN: not in the image)
        final float[] pv;
        // candidate mask samples per class (within the boundary band), packed y * w + x
        final int[] sampleStart;     // [C+1]
        final int[] samples;
        final int[] active;          // active samples, grouped by class (same layout as samples)
        final int[] activeSamples;   // [C]
        // grid of projected points, cell size g, keyed by class * cells + cell
        int cellSize;
        int gw;
        int gh;
        int[] cellStart = new int[0];
        int[] cellFill = new int[0];
        float[] gu;
        float[] gv;
        int stride = 1;

        FrameData(CalibFrame frame, Intrinsics cam, int[] classes, DistanceTransform dt, double bandPx) {
            w = cam.width();
            h = cam.height();
            cx = cam.cx();
            cy = cam.cy();
            int nc = classes.length;
            dist = new float[nc][];
            nearest = new int[nc][];
            ClassMask mask = frame.mask();
            float[] inner = new float[w * h];
            ids = mask.ids();
            classIds = classes.clone();
            depthInside = new float[w * h];
            int[][] perClass = new int[nc][];
            for (int ci = 0; ci < nc; ci++) {
                dist[ci] = new float[w * h];
                nearest[ci] = new int[w * h];
                dt.ofClass(mask, classes[ci], dist[ci], nearest[ci]);
                // candidate samples: class-c pixels within bandPx of another class
                dt.ofOtherClasses(mask, classes[ci], inner);
                int count = 0;
                int[] tmp = new int[w * h];
                for (int i = 0; i < ids.length; i++) {
                    if ((ids[i] & 0xff) == classes[ci]) {
                        depthInside[i] = inner[i];
                        if (inner[i] <= bandPx) {
                            tmp[count++] = i;
                        }
                    }
                }
                perClass[ci] = Arrays.copyOf(tmp, count);
            }
            flow = frame.flow().uv();
            sampleStart = new int[nc + 1];
            for (int ci = 0; ci < nc; ci++) {
                sampleStart[ci + 1] = sampleStart[ci] + perClass[ci].length;
            }
            samples = new int[sampleStart[nc]];
            sampleDepth = new float[samples.length];
            for (int ci = 0; ci < nc; ci++) {
                System.arraycopy(perClass[ci], 0, samples, sampleStart[ci], perClass[ci].length);
            }
            for (int j = 0; j < samples.length; j++) {
                sampleDepth[j] = depthInside[samples[j]];
            }
            active = new int[samples.length];
            activeSamples = new int[nc];
            // points by class (label already mapped to mask ids by the caller)
            PointCloud cloud = frame.cloud();
            int[] labels = cloud.labels();
            float[] xyz = cloud.xyz();
            classStart = new int[nc + 1];
            int[] counts = new int[nc];
            for (int label : labels) {
                int ci = indexOf(classes, label);
                if (ci >= 0) {
                    counts[ci]++;
                }
            }
            for (int ci = 0; ci < nc; ci++) {
                classStart[ci + 1] = classStart[ci] + counts[ci];
            }
            int n = classStart[nc];
            px = new float[n];
            py = new float[n];
            pz = new float[n];
            int[] fill = Arrays.copyOf(classStart, nc);
            for (int i = 0; i < labels.length; i++) {
                int ci = indexOf(classes, labels[i]);
                if (ci >= 0) {
                    int k = fill[ci]++;
                    px[k] = xyz[3 * i];
                    py[k] = xyz[3 * i + 1];
                    pz[k] = xyz[3 * i + 2];
                }
            }
            sx = new float[n];
            sy = new float[n];
            sz = new float[n];
            selStart = new int[nc + 1];
            selectedCount = new int[nc];
            pu = new float[n];
            pv = new float[n];
            gu = new float[n];
            gv = new float[n];
        }

        static int indexOf(int[] a, int v) {
            for (int i = 0; i < a.length; i++) {
                if (a[i] == v) {
                    return i;
                }
            }
            return -1;
        }

        void select(Stage s, double[] r, double[] t, double deltaS, Intrinsics cam, boolean limitRows) {
            stride = s.pointStride();
            int nc = selectedCount.length;
            int bands = (w + 15) / 16;
            float[] minV = new float[bands];
            float[] maxV = new float[bands];
            Arrays.fill(minV, Float.POSITIVE_INFINITY);
            Arrays.fill(maxV, Float.NEGATIVE_INFINITY);
            int k = 0;
            for (int ci = 0; ci < nc; ci++) {
                int count = 0;
                int classId = classIds[ci];
                selStart[ci] = k;
                for (int i = classStart[ci]; i < classStart[ci + 1]; i++) {
                    if ((i - classStart[ci]) % stride != 0) {
                        continue;
                    }
                    double xc = r[0] * px[i] + r[1] * py[i] + r[2] * pz[i] + t[0];
                    double yc = r[3] * px[i] + r[4] * py[i] + r[5] * pz[i] + t[1];
                    double zc = r[6] * px[i] + r[7] * py[i] + r[8] * pz[i] + t[2];
                    if (zc < 0.5) {
                        continue;
                    }
                    double u = cam.fx() * xc / zc + cam.cx();
                    double v = cam.fy() * yc / zc + cam.cy();
                    if (s.useTime() && deltaS != 0 && nearest[ci][0] >= 0) {
                        double u0 = u;
                        u = shiftU(nearest[ci], u0, v, deltaS);
                        v = shiftV;
                    }
                    if (u < 0 || u > w - 1 || v < 0 || v > h - 1) {
                        continue;
                    }
                    count++;
                    int b = (int) (u / 16);
                    minV[b] = Math.min(minV[b], (float) v);
                    maxV[b] = Math.max(maxV[b], (float) v);
                    int pix = (int) (v + 0.5) * w + (int) (u + 0.5);
                    if ((ids[pix] & 0xff) == classId && depthInside[pix] > s.skipInteriorPx()) {
                        // deep inside its own class: scores 0 now and after any small move
                        continue;
                    }
                    sx[k] = px[i];
                    sy[k] = py[i];
                    sz[k] = pz[i];
                    k++;
                }
                selectedCount[ci] = count;
            }
            selStart[nc] = k;
            int ss = s.sampleStride();
            for (int ci = 0; ci < nc; ci++) {
                k = sampleStart[ci];
                for (int j = sampleStart[ci]; j < sampleStart[ci + 1]; j++) {
                    int p = samples[j];
                    int x = p % w;
                    int y = p / w;
                    if (x % ss != 0 || y % ss != 0 || sampleDepth[j] > s.bandPx()) {
                        continue;
                    }
                    int b = x / 16;
                    if (!limitRows || (y >= minV[b] && y <= maxV[b])) {
                        active[k++] = p;
                    }
                }
                activeSamples[ci] = k - sampleStart[ci];
            }
            // grid: cells of about half the ring spacing... sized by the caller's caps
            cellSize = (int) Math.max(3, Math.ceil(Math.min(s.maskCapPx(), 8)));
            gw = (w + cellSize - 1) / cellSize;
            gh = (h + cellSize - 1) / cellSize;
            int cells = nc * gw * gh;
            if (cellStart.length != cells + 1) {
                cellStart = new int[cells + 1];
                cellFill = new int[cells];
            }
        }

        /** v of the last {@link #shiftU} call. */
        double shiftV;

        /**
         * Moves a projection p (where the point is at the LIDAR time) back to the camera time. The flow is read
         * at the nearest pixel of the point's own class (so a point on an object's edge moves with the object,
         * not with the background next to it) at the first-order camera-time position p1 = p - delta * flow(p),
         * giving the point's velocity u_c at the camera time. Over the offset a point that the vehicle
         * approaches speeds up: for motion along the optical axis p - c scales with 1/Z, so the exact shift is
         * delta * u_c / (1 - k delta) with k = |u_c| / |p1 - c| the inverse time to contact (c the principal
         * point standing in for the focus of expansion). Returns u and leaves v in {@link #shiftV}.
         */
        double shiftU(int[] near, double u, double v, double deltaS) {
            int fi = 2 * near[clampI((int) (v + 0.5), h) * w + clampI((int) (u + 0.5), w)];
            double u1 = u - deltaS * flow[fi];
            double v1 = v - deltaS * flow[fi + 1];
            int fj = 2 * near[clampI((int) (v1 + 0.5), h) * w + clampI((int) (u1 + 0.5), w)];
            double fu = flow[fj];
            double fv = flow[fj + 1];
            double ru = u1 - cx;
            double rv = v1 - cy;
            double r2 = ru * ru + rv * rv;
            double kd = 0;
            if (r2 > 1) {
                // k * delta with the sign of the radial motion: positive when the point moves outward
                kd = deltaS * (fu * ru + fv * rv) / r2;
                kd = kd > 0.5 ? 0.5 : kd < -0.5 ? -0.5 : kd;
            }
            double g = deltaS / (1 - kd);
            shiftV = v - g * fv;
            return u - g * fu;
        }

        static int clampI(int v, int n) {
            return v < 0 ? 0 : v >= n ? n - 1 : v;
        }

        /** Sum over selected class-ci points of min(cap, D(p')); also records projections for the grid. */
        double pointToMask(int ci, double[] r, double tx, double ty, double tz, double deltaS, Intrinsics cam,
                Stage s) {
            double cap = s.pointCapPx();
            double fx = cam.fx();
            double fy = cam.fy();
            double cx = cam.cx();
            double cy = cam.cy();
            float[] d = dist[ci];
            int[] near = nearest[ci];
            double sum = 0;
            double r0 = r[0];
            double r1 = r[1];
            double r2 = r[2];
            double r3 = r[3];
            double r4 = r[4];
            double r5 = r[5];
            double r6 = r[6];
            double r7 = r[7];
            double r8 = r[8];
            for (int i = selStart[ci]; i < selStart[ci + 1]; i++) {
                double x = sx[i];
                double y = sy[i];
                double z = sz[i];
                double xc = r0 * x + r1 * y + r2 * z + tx;
                double yc = r3 * x + r4 * y + r5 * z + ty;
                double zc = r6 * x + r7 * y + r8 * z + tz;
                if (zc < 0.1) {
                    sum += cap;
                    pu[i] = Float.NaN;
                    continue;
                }
                double iz = 1 / zc;
                double u = fx * xc * iz + cx;
                double v = fy * yc * iz + cy;
                if (deltaS != 0 && near[0] >= 0) {
                    double u0 = u;
                    u = shiftU(near, u0, v, deltaS);
                    v = shiftV;
                }
                boolean inside = u >= 0 && u <= w - 1 && v >= 0 && v <= h - 1;
                pu[i] = inside ? (float) u : Float.NaN;
                pv[i] = (float) v;
                // outside the image: the distance at the nearest border pixel (continuous, no reward for leaving)
                double uc = u < 0 ? 0 : u > w - 1 ? w - 1 : u;
                double vc = v < 0 ? 0 : v > h - 1 ? h - 1 : v;
                int x0 = (int) uc;
                int y0 = (int) vc;
                int x1 = x0 + 1 < w ? x0 + 1 : x0;
                int y1 = y0 + 1 < h ? y0 + 1 : y0;
                double ax = uc - x0;
                double ay = vc - y0;
                double top = d[y0 * w + x0] * (1 - ax) + d[y0 * w + x1] * ax;
                double bot = d[y1 * w + x0] * (1 - ax) + d[y1 * w + x1] * ax;
                double dd = top * (1 - ay) + bot * ay;
                sum += dd < cap ? dd : cap;
            }
            return sum;
        }

        /** Buckets the projected points (inside the image) by class and cell (counting sort, no allocation). */
        void buildGrid(int nc) {
            int cellsPerClass = gw * gh;
            Arrays.fill(cellStart, 0);
            for (int ci = 0; ci < nc; ci++) {
                int base = ci * cellsPerClass;
                for (int i = selStart[ci]; i < selStart[ci + 1]; i++) {
                    if (!Float.isNaN(pu[i])) {
                        int cell = base + (int) (pv[i] / cellSize) * gw + (int) (pu[i] / cellSize);
                        cellStart[cell + 1]++;
                    }
                }
            }
            for (int c = 0; c < cellStart.length - 1; c++) {
                cellStart[c + 1] += cellStart[c];
            }
            System.arraycopy(cellStart, 0, cellFill, 0, cellFill.length);
            for (int ci = 0; ci < nc; ci++) {
                int base = ci * cellsPerClass;
                for (int i = selStart[ci]; i < selStart[ci + 1]; i++) {
                    if (!Float.isNaN(pu[i])) {
                        int cell = base + (int) (pv[i] / cellSize) * gw + (int) (pu[i] / cellSize);
                        int k = cellFill[cell]++;
                        gu[k] = pu[i];
                        gv[k] = pv[i];
                    }
                }
            }
        }

        /**
         * Sum over active class-ci samples of min(cap, max(0, d - gap)), d the distance to the nearest
         * class-ci point: cells are searched in growing square rings until the ring cannot hold a closer
         * point or lies beyond gap + cap.
         */
        double maskToPoint(int ci, double gap, double cap) {
            int base = ci * gw * gh;
            double reach = gap + cap;
            double gap2 = gap * gap;
            double sum = 0;
            for (int j = sampleStart[ci]; j < sampleStart[ci] + activeSamples[ci]; j++) {
                int p = active[j];
                float x = p % w;
                float y = p / w;
                int cx = (int) (x / cellSize);
                int cy = (int) (y / cellSize);
                double best2 = Double.POSITIVE_INFINITY;
                for (int ring = 0; ; ring++) {
                    // the nearest any point in this ring can be is (ring - 1) * cellSize
                    double near = (ring - 1) * (double) cellSize;
                    if (ring > 0 && (near >= reach || near * near >= best2)) {
                        break;
                    }
                    int ylo = cy - ring;
                    int yhi = cy + ring;
                    int xlo = cx - ring;
                    int xhi = cx + ring;
                    if (ylo < 0 && yhi >= gh && xlo < 0 && xhi >= gw) {
                        break;
                    }
                    for (int gy = Math.max(0, ylo); gy <= Math.min(gh - 1, yhi); gy++) {
                        boolean edgeRow = gy == ylo || gy == yhi;
                        int step = edgeRow ? 1 : xhi - xlo;
                        for (int gx = xlo; gx <= xhi; gx += step == 0 ? 1 : step) {
                            if (gx < 0 || gx >= gw) {
                                continue;
                            }
                            int cell = base + gy * gw + gx;
                            for (int k = cellStart[cell]; k < cellStart[cell + 1]; k++) {
                                double du = gu[k] - x;
                                double dv = gv[k] - y;
                                double d2 = du * du + dv * dv;
                                if (d2 < best2) {
                                    best2 = d2;
                                }
                            }
                        }
                    }
                    if (best2 <= gap2) {
                        break;
                    }
                }
                double d = Math.sqrt(best2) - gap;
                sum += d <= 0 ? 0 : d < cap ? d : cap;
            }
            return sum;
        }
    }
}
