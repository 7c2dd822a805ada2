package dev.streamcanvas.engine.calib;

import java.util.Arrays;
import java.util.Locale;

/**
 * A rigid transform from the LIDAR frame to the camera frame: {@code X_cam = R * X_lidar + t}, metres.
 * Immutable; {@code r} is row-major 3x3, {@code t} has 3 entries.
 */
public record Extrinsic(double[] r, double[] t) {
    public Extrinsic {
        if (r == null || r.length != 9 || t == null || t.length != 3) {
            throw new IllegalArgumentException("extrinsic needs a 3x3 rotation (9 values) and 3 translations");
        }
        for (double v : r) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("extrinsic rotation has a non-finite value: " + Arrays.toString(r));
            }
        }
        for (double v : t) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("extrinsic translation has a non-finite value: " + Arrays.toString(t));
            }
        }
        r = r.clone();
        t = t.clone();
    }

    @Override
    public double[] r() {
        return r.clone();
    }

    @Override
    public double[] t() {
        return t.clone();
    }

    /** Entry (row, col) of the rotation. */
    public double r(int row, int col) {
        return r[row * 3 + col];
    }

    /** Entry i of the translation. */
    public double t(int i) {
        return t[i];
    }

    /** From a 3x4 row-major matrix [R | t] (as in KITTI's Tr_velo_to_cam). */
    public static Extrinsic fromMatrix3x4(double[] m) {
        if (m.length != 12) {
            throw new IllegalArgumentException("a 3x4 matrix needs 12 values, got " + m.length);
        }
        return new Extrinsic(new double[] {m[0], m[1], m[2], m[4], m[5], m[6], m[8], m[9], m[10]},
                new double[] {m[3], m[7], m[11]});
    }

    /** The 3x4 row-major matrix [R | t]. */
    public double[] toMatrix3x4() {
        return new double[] {r[0], r[1], r[2], t[0], r[3], r[4], r[5], t[1], r[6], r[7], r[8], t[2]};
    }

    /**
     * The rotation exp([w]x) for an axis-angle vector w (radians), by Rodrigues' formula
     * R = I + sin(a) K + (1 - cos(a)) K^2 with K the cross matrix of the unit axis.
     */
    public static double[] rotation(double wx, double wy, double wz) {
        double a = Math.sqrt(wx * wx + wy * wy + wz * wz);
        double[] m = new double[9];
        if (a < 1e-12) {
            // first order: I + [w]x
            m[0] = 1;
            m[1] = -wz;
            m[2] = wy;
            m[3] = wz;
            m[4] = 1;
            m[5] = -wx;
            m[6] = -wy;
            m[7] = wx;
            m[8] = 1;
            return m;
        }
        double x = wx / a;
        double y = wy / a;
        double z = wz / a;
        double s = Math.sin(a);
        double c = 1 - Math.cos(a);
        m[0] = 1 + c * (x * x - 1);
        m[1] = -s * z + c * x * y;
        m[2] = s * y + c * x * z;
        m[3] = s * z + c * x * y;
        m[4] = 1 + c * (y * y - 1);
        m[5] = -s * x + c * y * z;
        m[6] = -s * y + c * x * z;
        m[7] = s * x + c * y * z;
        m[8] = 1 + c * (z * z - 1);
        return m;
    }

    /** The axis-angle vector (radians) of a rotation matrix (log map). */
    public static double[] axisAngle(double[] m) {
        double cos = Math.max(-1, Math.min(1, (m[0] + m[4] + m[8] - 1) / 2));
        double a = Math.acos(cos);
        double vx = m[7] - m[5];
        double vy = m[2] - m[6];
        double vz = m[3] - m[1];
        if (a < 1e-9) {
            return new double[] {vx / 2, vy / 2, vz / 2};
        }
        if (Math.PI - a < 1e-6) {
            // near 180 degrees: axis from the largest diagonal entry of (R + I) / 2
            int k = m[0] >= m[4] && m[0] >= m[8] ? 0 : m[4] >= m[8] ? 1 : 2;
            double[] axis = new double[3];
            axis[k] = Math.sqrt(Math.max(0, (m[k * 4] + 1) / 2));
            for (int j = 0; j < 3; j++) {
                if (j != k) {
                    axis[j] = (m[k * 3 + j] + m[j * 3 + k]) / (4 * axis[k]);
                }
            }
            return new double[] {axis[0] * a, axis[1] * a, axis[2] * a};
        }
        double s = a / (2 * Math.sin(a));
        return new double[] {vx * s, vy * s, vz * s};
    }

    static double[] multiply(double[] a, double[] b) {
        double[] c = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                c[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
            }
        }
        return c;
    }

    static double[] transpose(double[] a) {
        return new double[] {a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]};
    }

    /**
     * This transform perturbed on the camera side: R' = exp(w) R, t' = t + dt (w in radians, dt in metres).
     */
    public Extrinsic perturbed(double[] w, double[] dt) {
        double[] rr = multiply(rotation(w[0], w[1], w[2]), r);
        return new Extrinsic(rr, new double[] {t[0] + dt[0], t[1] + dt[1], t[2] + dt[2]});
    }

    /** The angle of the rotation R_other * R_this^T, in degrees (the rotation error between the two). */
    public double rotationErrorDeg(Extrinsic other) {
        double[] d = multiply(other.r, transpose(r));
        double cos = Math.max(-1, Math.min(1, (d[0] + d[4] + d[8] - 1) / 2));
        return Math.toDegrees(Math.acos(cos));
    }

    /** The distance between the two translations, in metres. */
    public double translationError(Extrinsic other) {
        double dx = other.t[0] - t[0];
        double dy = other.t[1] - t[1];
        double dz = other.t[2] - t[2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    /** The camera centre in the LIDAR frame, -R^T t. */
    public double[] cameraCentre() {
        return new double[] {
            -(r[0] * t[0] + r[3] * t[1] + r[6] * t[2]),
            -(r[1] * t[0] + r[4] * t[1] + r[7] * t[2]),
            -(r[2] * t[0] + r[5] * t[1] + r[8] * t[2])};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Extrinsic e && Arrays.equals(r, e.r) && Arrays.equals(t, e.t);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(r) + Arrays.hashCode(t);
    }

    @Override
    public String toString() {
        double[] w = axisAngle(r);
        return String.format(Locale.ROOT, "Extrinsic[axis-angle deg=(%.4f, %.4f, %.4f), t m=(%.4f, %.4f, %.4f)]",
                Math.toDegrees(w[0]), Math.toDegrees(w[1]), Math.toDegrees(w[2]), t[0], t[1], t[2]);
    }
}
