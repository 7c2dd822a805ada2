package dev.streamcanvas.engine.calib;

/**
 * A pinhole camera: focal lengths and principal point in pixels, and the image size. Pixel centres sit at
 * integer coordinates: a camera-frame point (X, Y, Z) projects to u = fx X / Z + cx, v = fy Y / Z + cy.
 * {@code offset} is K^-1 times the fourth column of a KITTI P matrix (the stereo baseline term, metres in the
 * camera frame), added to the extrinsic translation before projecting; zero for a plain K.
 */
public record Intrinsics(int width, int height, double fx, double fy, double cx, double cy, double[] offset) {
    public Intrinsics {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (!(fx > 0) || !(fy > 0) || !Double.isFinite(fx) || !Double.isFinite(fy)) {
            throw new IllegalArgumentException("focal lengths must be positive and finite, got fx=" + fx + ", fy=" + fy);
        }
        if (!Double.isFinite(cx) || !Double.isFinite(cy)) {
            throw new IllegalArgumentException("principal point must be finite, got cx=" + cx + ", cy=" + cy);
        }
        offset = offset == null ? new double[3] : offset.clone();
        if (offset.length != 3) {
            throw new IllegalArgumentException("offset needs 3 values");
        }
    }

    public Intrinsics(int width, int height, double fx, double fy, double cx, double cy) {
        this(width, height, fx, fy, cx, cy, null);
    }

    @Override
    public double[] offset() {
        return offset.clone();
    }

    /**
     * From a KITTI 3x4 projection matrix P = K [I | b'] (row-major, 12 values); the skew must be zero.
     */
    public static Intrinsics fromP(double[] p, int width, int height) {
        if (p.length != 12) {
            throw new IllegalArgumentException("P needs 12 values (3x4), got " + p.length);
        }
        if (Math.abs(p[1]) > 1e-9 || Math.abs(p[4]) > 1e-9 || Math.abs(p[8]) > 1e-9 || Math.abs(p[9]) > 1e-9
                || Math.abs(p[10] - 1) > 1e-9) {
            throw new IllegalArgumentException("P must have the form [[fx,0,cx,a],[0,fy,cy,b],[0,0,1,c]], got "
                    + java.util.Arrays.toString(p));
        }
        double fx = p[0];
        double cx = p[2];
        double fy = p[5];
        double cy = p[6];
        // K^-1 * (p3, p7, p11)
        double bz = p[11];
        double by = (p[7] - cy * bz) / fy;
        double bx = (p[3] - cx * bz) / fx;
        return new Intrinsics(width, height, fx, fy, cx, cy, new double[] {bx, by, bz});
    }

    /** The 3x4 projection matrix K [I | offset], row-major. */
    public double[] toP() {
        double bx = fx * offset[0] + cx * offset[2];
        double by = fy * offset[1] + cy * offset[2];
        return new double[] {fx, 0, cx, bx, 0, fy, cy, by, 0, 0, 1, offset[2]};
    }

    /** This camera scaled to another image size (focal lengths and principal point scale with it). */
    public Intrinsics scaled(double s) {
        return new Intrinsics((int) Math.round(width * s), (int) Math.round(height * s), fx * s, fy * s,
                (cx + 0.5) * s - 0.5, (cy + 0.5) * s - 0.5, offset);
    }

    /** KITTI odometry camera 2 (left colour): 1242x375, f = 721.5377. */
    public static Intrinsics kitti() {
        return new Intrinsics(1242, 375, 721.5377, 721.5377, 609.5593, 172.854);
    }
}
