package dev.streamcanvas.engine.calib;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * A KITTI-like synthetic driving sequence: a straight street (road, sidewalks with gaps, buildings, poles,
 * parked cars, oncoming and leading moving cars, all labelled axis-aligned boxes), an ego vehicle driving
 * along +x, a pinhole camera and a 64-beam LIDAR mounted with a known extrinsic, and a known time offset
 * between them: the LIDAR scan of a frame is taken {@code timeOffsetMs} after the camera image (the scan is
 * treated as instantaneous, i.e. already de-skewed to its reference time). Per frame it renders the class
 * mask, a shaded image, the exact pixel velocities from the known motion, and the labelled points.
 *
 * <p>World frame: x along the street, y to the left, z up, ground at z = 0. The LIDAR frame is the world frame
 * moved to the LIDAR (1.73 m above the ground), axes unrotated.
 */
public final class SyntheticSequence {
    public static final int UNLABELLED = 0;
    public static final int CAR = 10;
    public static final int ROAD = 40;
    public static final int SIDEWALK = 48;
    public static final int BUILDING = 50;
    public static final int POLE = 80;
    /** SemanticKITTI's "moving car": the LIDAR labels of moving cars (the camera mask says {@link #CAR}). */
    public static final int MOVING_CAR = 252;

    static final double LIDAR_HEIGHT = 1.73;
    static final double EGO_Y = -1.6;
    static final double MAX_RANGE = 120;
    static final double TOP_ELEVATION_DEG = 2.0;
    static final double BOTTOM_ELEVATION_DEG = -24.8;
    static final double AZIMUTH_HALF_RANGE_DEG = 50;

    /** An axis-aligned box: corners at the camera time, class (mask and LIDAR), velocity along x. */
    record Box(double x0, double y0, double z0, double x1, double y1, double z1, int maskClass, int lidarClass,
            double vx) {
    }

    private SyntheticSequence() {
    }

    /** The sequence's ground-truth extrinsic: KITTI's camera-2 mounting with a small seeded rotation and shift. */
    static Extrinsic truthExtrinsic(SplittableRandom rnd) {
        // LIDAR x forward -> camera z, LIDAR y left -> camera -x, LIDAR z up -> camera -y
        Extrinsic base = new Extrinsic(new double[] {0, -1, 0, 0, 0, -1, 1, 0, 0}, new double[] {0.06, -0.08, -0.27});
        double[] w = {Math.toRadians(rnd.nextDouble(-1, 1)), Math.toRadians(rnd.nextDouble(-1, 1)),
            Math.toRadians(rnd.nextDouble(-1, 1))};
        double[] dt = {rnd.nextDouble(-0.03, 0.03), rnd.nextDouble(-0.03, 0.03), rnd.nextDouble(-0.03, 0.03)};
        return base.perturbed(w, dt);
    }

    /** Generates the whole sequence; {@code progress} receives the index of each finished frame (may be null). */
    public static CalibSequence generate(SynthOptions o, IntConsumer progress) {
        SplittableRandom rnd = new SplittableRandom(o.seed());
        Extrinsic truth = truthExtrinsic(rnd);
        Intrinsics cam = Intrinsics.kitti().scaled(o.imageScale());
        if (o.imageScale() == 1.0) {
            cam = Intrinsics.kitti();
        }
        double[] speeds = o.speedProfile();
        double spacing = 45;
        double streetLength = 60 + spacing * o.frames() + 200;
        List<Box> statics = staticScene(rnd, streetLength);
        // initial guess: exactly initRotDeg about a random axis, initTransCm in a random direction
        double[] axis = randomUnit(rnd);
        double[] dir = randomUnit(rnd);
        double a = Math.toRadians(o.initRotDeg());
        double m = o.initTransCm() / 100;
        Extrinsic initial = truth.perturbed(new double[] {axis[0] * a, axis[1] * a, axis[2] * a},
                new double[] {dir[0] * m, dir[1] * m, dir[2] * m});
        List<CalibFrame> frames = new ArrayList<>();
        for (int k = 0; k < o.frames(); k++) {
            double egoX = 40 + spacing * k;
            List<Box> boxes = new ArrayList<>();
            for (Box b : statics) {
                if (b.x1() > egoX - 15 && b.x0() < egoX + MAX_RANGE + 20) {
                    boxes.add(b);
                }
            }
            SplittableRandom fr = new SplittableRandom(o.seed() * 1_000_003L + k * 7907L + 1);
            addMovingCars(fr, egoX, boxes);
            frames.add(renderFrame(String.format("%06d", k), cam, truth, o, egoX, speeds[k], boxes, fr));
            if (progress != null) {
                progress.accept(k);
            }
        }
        return new CalibSequence(cam, initial, frames, new GroundTruth(truth, o.timeOffsetMs()));
    }

    private static double[] randomUnit(SplittableRandom rnd) {
        while (true) {
            double x = rnd.nextDouble(-1, 1);
            double y = rnd.nextDouble(-1, 1);
            double z = rnd.nextDouble(-1, 1);
            double n = Math.sqrt(x * x + y * y + z * z);
            if (n > 0.1 && n <= 1) {
                return new double[] {x / n, y / n, z / n};
            }
        }
    }

    private static List<Box> staticScene(SplittableRandom rnd, double length) {
        List<Box> boxes = new ArrayList<>();
        for (int side = -1; side <= 1; side += 2) {
            // buildings with varying setback, width and height
            double x = -30;
            while (x < length) {
                double w = rnd.nextDouble(8, 25);
                double setback = 8 + rnd.nextDouble(0, 4);
                double h = rnd.nextDouble(5, 20);
                boxes.add(sideBox(x, x + w, setback, setback + 10, 0, h, side, BUILDING, BUILDING));
                x += w + (rnd.nextDouble() < 0.5 ? 0 : rnd.nextDouble(1, 6));
            }
            // sidewalks (15 cm kerb) with driveway gaps
            x = -30;
            while (x < length) {
                double w = rnd.nextDouble(20, 50);
                boxes.add(sideBox(x, x + w, 4, 7.8, 0, 0.15, side, SIDEWALK, SIDEWALK));
                x += w + rnd.nextDouble(3, 8);
            }
            // poles
            x = -30 + rnd.nextDouble(0, 10);
            while (x < length) {
                double h = rnd.nextDouble(4, 8);
                boxes.add(sideBox(x, x + 0.25, 4.5, 4.75, 0, h, side, POLE, POLE));
                x += rnd.nextDouble(10, 25);
            }
            // parked cars along the kerb
            x = -30;
            while (x < length) {
                double len = rnd.nextDouble(4.0, 4.8);
                if (rnd.nextDouble() < 0.6) {
                    double hgt = rnd.nextDouble(1.4, 1.7);
                    boxes.add(sideBox(x, x + len, 2.2, 4.0, 0, hgt, side, CAR, CAR));
                }
                x += len + rnd.nextDouble(0.8, 8);
            }
        }
        return boxes;
    }

    /** A box on one side of the street: {@code side} +1 left (y > 0), -1 right. */
    private static Box sideBox(double x0, double x1, double d0, double d1, double z0, double z1, int side, int mask,
            int lidar) {
        double y0 = side > 0 ? d0 : -d1;
        double y1 = side > 0 ? d1 : -d0;
        return new Box(x0, y0, z0, x1, y1, z1, mask, lidar, 0);
    }

    private static void addMovingCars(SplittableRandom rnd, double egoX, List<Box> boxes) {
        int oncoming = 1 + rnd.nextInt(3);
        for (int i = 0; i < oncoming; i++) {
            double x = egoX + rnd.nextDouble(10, 70);
            double len = rnd.nextDouble(4.0, 4.8);
            boxes.add(new Box(x, 0.8, 0, x + len, 2.6, rnd.nextDouble(1.4, 1.7), CAR, MOVING_CAR,
                    -rnd.nextDouble(5, 15)));
        }
        if (rnd.nextDouble() < 0.6) {
            double x = egoX + rnd.nextDouble(15, 50);
            double len = rnd.nextDouble(4.0, 4.8);
            boxes.add(new Box(x, EGO_Y - 0.9, 0, x + len, EGO_Y + 0.9, rnd.nextDouble(1.4, 1.7), CAR, MOVING_CAR,
                    rnd.nextDouble(3, 12)));
        }
    }

    /** Scratch of one ray cast: the hit distance (ray parameter), the box index (-1 ground) and the face axis. */
    private static final class Hit {
        double t;
        int box;
        int axis;
    }

    /**
     * Casts the ray o + s d (s > 0) against the ground and the boxes, each box moved by vx * dtBox along x.
     * Returns false when nothing is hit within {@code maxT}.
     */
    private static boolean cast(double ox, double oy, double oz, double dx, double dy, double dz, List<Box> boxes,
            double dtBox, double maxT, Hit hit) {
        double best = maxT;
        int bestBox = -2;
        int bestAxis = 2;
        if (dz < 0) {
            double s = -oz / dz;
            if (s > 1e-6 && s < best) {
                best = s;
                bestBox = -1;
            }
        }
        for (int i = 0; i < boxes.size(); i++) {
            Box b = boxes.get(i);
            double shift = b.vx() * dtBox;
            double tn = Double.NEGATIVE_INFINITY;
            double tf = Double.POSITIVE_INFINITY;
            int ax = -1;
            // x slab
            if (dx != 0) {
                double t0 = (b.x0() + shift - ox) / dx;
                double t1 = (b.x1() + shift - ox) / dx;
                if (t0 > t1) {
                    double t = t0;
                    t0 = t1;
                    t1 = t;
                }
                tn = t0;
                ax = 0;
                tf = t1;
            } else if (ox < b.x0() + shift || ox > b.x1() + shift) {
                continue;
            }
            if (dy != 0) {
                double t0 = (b.y0() - oy) / dy;
                double t1 = (b.y1() - oy) / dy;
                if (t0 > t1) {
                    double t = t0;
                    t0 = t1;
                    t1 = t;
                }
                if (t0 > tn) {
                    tn = t0;
                    ax = 1;
                }
                tf = Math.min(tf, t1);
            } else if (oy < b.y0() || oy > b.y1()) {
                continue;
            }
            if (dz != 0) {
                double t0 = (b.z0() - oz) / dz;
                double t1 = (b.z1() - oz) / dz;
                if (t0 > t1) {
                    double t = t0;
                    t0 = t1;
                    t1 = t;
                }
                if (t0 > tn) {
                    tn = t0;
                    ax = 2;
                }
                tf = Math.min(tf, t1);
            } else if (oz < b.z0() || oz > b.z1()) {
                continue;
            }
            if (tn <= tf && tn > 1e-6 && tn < best) {
                best = tn;
                bestBox = i;
                bestAxis = ax;
            }
        }
        if (bestBox == -2) {
            return false;
        }
        hit.t = best;
        hit.box = bestBox;
        hit.axis = bestAxis;
        return true;
    }

    private static CalibFrame renderFrame(String name, Intrinsics cam, Extrinsic truth, SynthOptions o, double egoX,
            double speed, List<Box> boxes, SplittableRandom rnd) {
        int w = cam.width();
        int h = cam.height();
        double[] r = truth.r();
        double[] c = truth.cameraCentre();
        double[] tc = truth.t();
        // camera centre in the world at the camera time
        double ox = egoX + c[0];
        double oy = EGO_Y + c[1];
        double oz = LIDAR_HEIGHT + c[2];
        byte[] ids = new byte[w * h];
        byte[] rgb = new byte[3 * w * h];
        float[] flow = new float[2 * w * h];
        Hit hit = new Hit();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double ux = (x - cam.cx()) / cam.fx();
                double uy = (y - cam.cy()) / cam.fy();
                // ray direction in the LIDAR (= world) axes: R^T (ux, uy, 1)
                double dx = r[0] * ux + r[3] * uy + r[6];
                double dy = r[1] * ux + r[4] * uy + r[7];
                double dz = r[2] * ux + r[5] * uy + r[8];
                int p = y * w + x;
                if (!cast(ox, oy, oz, dx, dy, dz, boxes, 0, 400, hit)) {
                    // sky: a vertical gradient
                    double g = Math.max(0, Math.min(1, (double) y / h));
                    rgb[3 * p] = (byte) (150 + 40 * g);
                    rgb[3 * p + 1] = (byte) (190 + 30 * g);
                    rgb[3 * p + 2] = (byte) 235;
                    continue;
                }
                int cls;
                double vx = 0;
                int axis = hit.axis;
                if (hit.box < 0) {
                    cls = ROAD;
                } else {
                    Box b = boxes.get(hit.box);
                    cls = b.maskClass();
                    vx = b.vx();
                }
                ids[p] = (byte) cls;
                double px = ox + hit.t * dx;
                double py = oy + hit.t * dy;
                double pz = oz + hit.t * dz;
                // point in the camera frame and its velocity relative to the moving camera
                double lx = px - egoX;
                double ly = py - EGO_Y;
                double lz = pz - LIDAR_HEIGHT;
                double xc = r[0] * lx + r[1] * ly + r[2] * lz + tc[0];
                double yc = r[3] * lx + r[4] * ly + r[5] * lz + tc[1];
                double zc = r[6] * lx + r[7] * ly + r[8] * lz + tc[2];
                double rv = vx - speed;
                double vxc = r[0] * rv;
                double vyc = r[3] * rv;
                double vzc = r[6] * rv;
                flow[2 * p] = (float) (cam.fx() * (vxc * zc - xc * vzc) / (zc * zc));
                flow[2 * p + 1] = (float) (cam.fy() * (vyc * zc - yc * vzc) / (zc * zc));
                shade(rgb, p, cls, axis, hit.t * Math.sqrt(dx * dx + dy * dy + dz * dz), px, pz);
            }
        }
        PointCloud cloud = scan(o, egoX, speed, boxes, rnd);
        SynthOptions.Noise n = o.noise();
        if (n.maskWarpPx() > 0 || n.maskEdgeFlip() > 0) {
            ids = noisyMask(ids, w, h, n, rnd);
        }
        if (n.flowRelSigma() > 0) {
            noisyFlow(flow, w, h, n.flowRelSigma(), rnd);
        }
        return new CalibFrame(name, new ClassMask(w, h, ids), new FlowField(w, h, flow), cloud, rgb);
    }

    private static void shade(byte[] rgb, int p, int cls, int axis, double dist, double px, double pz) {
        int[] base = switch (cls) {
            case ROAD -> new int[] {95, 95, 100};
            case SIDEWALK -> new int[] {170, 160, 150};
            case BUILDING -> new int[] {175, 120, 90};
            case POLE -> new int[] {230, 200, 40};
            default -> new int[] {40, 80, 180};
        };
        double lambert = axis == 2 ? 1.0 : axis == 1 ? 0.8 : 0.62;
        // a little texture: window rows on buildings, dashes on the road
        double tex = 1.0;
        if (cls == BUILDING && axis != 2 && ((int) Math.floor(pz / 1.5) % 2 == 1)
                && ((int) Math.floor(px / 1.2) % 2 == 0)) {
            tex = 0.75;
        }
        double fog = Math.exp(-dist / 180);
        for (int ch = 0; ch < 3; ch++) {
            double v = base[ch] * lambert * tex * fog + 205 * (1 - fog);
            rgb[3 * p + ch] = (byte) Math.max(0, Math.min(255, (int) Math.round(v)));
        }
    }

    /** The LIDAR scan taken timeOffset after the camera image: ego and moving cars have moved on. */
    private static PointCloud scan(SynthOptions o, double egoX, double speed, List<Box> boxes, SplittableRandom rnd) {
        double dt = o.timeOffsetMs() / 1000.0;
        double lx = egoX + speed * dt;
        int beams = o.beams();
        int steps = (int) Math.floor(2 * AZIMUTH_HALF_RANGE_DEG / o.azimuthStepDeg()) + 1;
        int total = beams * steps;
        float[] xyz = new float[3 * total];
        int[] label = new int[total];
        boolean[] valid = new boolean[total];
        SynthOptions.Noise n = o.noise();
        Hit hit = new Hit();
        for (int b = 0; b < beams; b++) {
            double el = Math.toRadians(TOP_ELEVATION_DEG
                    + (BOTTOM_ELEVATION_DEG - TOP_ELEVATION_DEG) * b / (beams - 1));
            for (int s = 0; s < steps; s++) {
                double az = Math.toRadians(-AZIMUTH_HALF_RANGE_DEG + s * o.azimuthStepDeg());
                double dx = Math.cos(el) * Math.cos(az);
                double dy = Math.cos(el) * Math.sin(az);
                double dz = Math.sin(el);
                int i = b * steps + s;
                if (!cast(lx, EGO_Y, LIDAR_HEIGHT, dx, dy, dz, boxes, dt, MAX_RANGE, hit)) {
                    continue;
                }
                double range = hit.t + (n.rangeSigmaM() > 0 ? n.rangeSigmaM() * gaussian(rnd) : 0);
                xyz[3 * i] = (float) (range * dx);
                xyz[3 * i + 1] = (float) (range * dy);
                xyz[3 * i + 2] = (float) (range * dz);
                label[i] = hit.box < 0 ? ROAD : boxes.get(hit.box).lidarClass();
                valid[i] = true;
            }
        }
        if (n.labelBleed() > 0 || n.labelFlip() > 0) {
            int[] orig = label.clone();
            int[] classes = {CAR, ROAD, SIDEWALK, BUILDING, POLE};
            for (int b = 0; b < beams; b++) {
                for (int s = 0; s < steps; s++) {
                    int i = b * steps + s;
                    if (!valid[i]) {
                        continue;
                    }
                    if (n.labelBleed() > 0) {
                        int side = rnd.nextBoolean() ? 1 : -1;
                        int j = s + side;
                        if (j >= 0 && j < steps && valid[b * steps + j] && orig[b * steps + j] != orig[i]
                                && rnd.nextDouble() < n.labelBleed()) {
                            label[i] = orig[b * steps + j];
                        }
                    }
                    if (rnd.nextDouble() < n.labelFlip()) {
                        label[i] = classes[rnd.nextInt(classes.length)];
                    }
                }
            }
        }
        int count = 0;
        for (boolean v : valid) {
            if (v) {
                count++;
            }
        }
        float[] px = new float[3 * count];
        int[] pl = new int[count];
        float[] pi = new float[count];
        int k = 0;
        for (int i = 0; i < total; i++) {
            if (valid[i]) {
                System.arraycopy(xyz, 3 * i, px, 3 * k, 3);
                pl[k] = label[i];
                pi[k] = label[i] == ROAD ? 0.2f : 0.5f;
                k++;
            }
        }
        return new PointCloud(px, pl, pi);
    }

    static double gaussian(SplittableRandom rnd) {
        double u = rnd.nextDouble(1e-12, 1);
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** A smooth random field of amplitude about 1: a sum of three plane waves of 40-250 px wavelength. */
    private static final class SmoothField {
        final double[] kx = new double[3];
        final double[] ky = new double[3];
        final double[] ph = new double[3];

        SmoothField(SplittableRandom rnd) {
            for (int i = 0; i < 3; i++) {
                double ang = rnd.nextDouble(0, 2 * Math.PI);
                double lambda = rnd.nextDouble(40, 250);
                kx[i] = 2 * Math.PI * Math.cos(ang) / lambda;
                ky[i] = 2 * Math.PI * Math.sin(ang) / lambda;
                ph[i] = rnd.nextDouble(0, 2 * Math.PI);
            }
        }

        double at(int x, int y) {
            double s = 0;
            for (int i = 0; i < 3; i++) {
                s += Math.sin(kx[i] * x + ky[i] * y + ph[i]);
            }
            return s / Math.sqrt(1.5);
        }
    }

    private static byte[] noisyMask(byte[] ids, int w, int h, SynthOptions.Noise n, SplittableRandom rnd) {
        SmoothField fx = new SmoothField(rnd);
        SmoothField fy = new SmoothField(rnd);
        byte[] out = new byte[ids.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sx = (int) Math.round(x + n.maskWarpPx() * fx.at(x, y));
                int sy = (int) Math.round(y + n.maskWarpPx() * fy.at(x, y));
                sx = Math.max(0, Math.min(w - 1, sx));
                sy = Math.max(0, Math.min(h - 1, sy));
                out[y * w + x] = ids[sy * w + sx];
            }
        }
        if (n.maskEdgeFlip() > 0) {
            byte[] src = out.clone();
            for (int y = 1; y < h - 1; y++) {
                for (int x = 1; x < w - 1; x++) {
                    int p = y * w + x;
                    int q = switch (rnd.nextInt(4)) {
                        case 0 -> p - 1;
                        case 1 -> p + 1;
                        case 2 -> p - w;
                        default -> p + w;
                    };
                    if (src[q] != src[p] && rnd.nextDouble() < n.maskEdgeFlip()) {
                        out[p] = src[q];
                    }
                }
            }
        }
        return out;
    }

    private static void noisyFlow(float[] flow, int w, int h, double sigma, SplittableRandom rnd) {
        SmoothField f = new SmoothField(rnd);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double k = 1 + sigma * f.at(x, y);
                int p = y * w + x;
                flow[2 * p] *= (float) k;
                flow[2 * p + 1] *= (float) k;
            }
        }
    }
}
