package dev.streamcanvas.engine.calib;

import java.util.Map;

/**
 * Draws LIDAR points, projected with a calibration guess and shifted to the camera time, over the frame's
 * image (or its class mask when there is no image), coloured by class: the picture that shows at a glance
 * whether the calibration is right (class colours line up with the objects).
 */
public final class Overlay {
    private Overlay() {
    }

    /** RGB colour of a class id (SemanticKITTI-like palette; other ids get a hashed colour). */
    public static int[] colour(int classId) {
        return switch (classId) {
            case SyntheticSequence.CAR -> new int[] {40, 120, 255};
            case SyntheticSequence.ROAD -> new int[] {255, 60, 255};
            case SyntheticSequence.SIDEWALK -> new int[] {120, 40, 160};
            case SyntheticSequence.BUILDING -> new int[] {255, 200, 0};
            case SyntheticSequence.POLE -> new int[] {255, 40, 40};
            case 0 -> new int[] {0, 0, 0};
            default -> new int[] {(classId * 67) % 256, (classId * 151) % 256, (classId * 233) % 256};
        };
    }

    /**
     * Renders the overlay of {@code frame} for extrinsic {@code e} and time offset {@code deltaMs}.
     *
     * @param labelMap point label to mask id (as used by the solver)
     * @return RGB bytes, 3 per pixel, the camera's size
     */
    public static byte[] render(Intrinsics cam, CalibFrame frame, Extrinsic e, double deltaMs,
            Map<Integer, Integer> labelMap) {
        int w = cam.width();
        int h = cam.height();
        byte[] out = new byte[3 * w * h];
        byte[] bg = frame.rgb();
        byte[] ids = frame.mask().ids();
        for (int p = 0; p < w * h; p++) {
            for (int c = 0; c < 3; c++) {
                int v;
                if (bg != null) {
                    v = (int) ((bg[3 * p + c] & 0xff) * 0.55);
                } else {
                    v = (int) (colour(ids[p] & 0xff)[c] * 0.35);
                }
                out[3 * p + c] = (byte) v;
            }
        }
        double[] r = e.r();
        double[] t = e.t();
        double[] off = cam.offset();
        float[] xyz = frame.cloud().xyz();
        int[] labels = frame.cloud().labels();
        float[] flow = frame.flow().uv();
        double d = deltaMs / 1000;
        int dot = Math.max(1, (int) Math.round(w / 620.0));
        for (int i = 0; i < labels.length; i++) {
            int label = labelMap.getOrDefault(labels[i], labels[i]);
            if (label == 0) {
                continue;
            }
            double x = xyz[3 * i];
            double y = xyz[3 * i + 1];
            double z = xyz[3 * i + 2];
            double xc = r[0] * x + r[1] * y + r[2] * z + t[0] + off[0];
            double yc = r[3] * x + r[4] * y + r[5] * z + t[1] + off[1];
            double zc = r[6] * x + r[7] * y + r[8] * z + t[2] + off[2];
            if (zc < 0.5) {
                continue;
            }
            double u = cam.fx() * xc / zc + cam.cx();
            double v = cam.fy() * yc / zc + cam.cy();
            if (d != 0) {
                int fi = 2 * (clamp((int) Math.round(v), h) * w + clamp((int) Math.round(u), w));
                double u1 = u - d * flow[fi];
                double v1 = v - d * flow[fi + 1];
                int fj = 2 * (clamp((int) Math.round(v1), h) * w + clamp((int) Math.round(u1), w));
                u -= d * 0.5 * (flow[fi] + flow[fj]);
                v -= d * 0.5 * (flow[fi + 1] + flow[fj + 1]);
            }
            int ui = (int) Math.round(u);
            int vi = (int) Math.round(v);
            int[] col = colour(label);
            for (int dy = 0; dy < dot; dy++) {
                for (int dx = 0; dx < dot; dx++) {
                    int px = ui + dx;
                    int py = vi + dy;
                    if (px >= 0 && px < w && py >= 0 && py < h) {
                        int p = py * w + px;
                        out[3 * p] = (byte) col[0];
                        out[3 * p + 1] = (byte) col[1];
                        out[3 * p + 2] = (byte) col[2];
                    }
                }
            }
        }
        return out;
    }

    private static int clamp(int v, int n) {
        return v < 0 ? 0 : v >= n ? n - 1 : v;
    }
}
