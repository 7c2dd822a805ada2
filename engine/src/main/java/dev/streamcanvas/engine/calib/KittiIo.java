package dev.streamcanvas.engine.calib;

import dev.streamcanvas.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * KITTI file formats: velodyne scans ({@code .bin}, float32 x, y, z, reflectance, little-endian),
 * SemanticKITTI labels ({@code .label}, uint32 per point, class in the lower 16 bits, instance in the upper),
 * and calibration text files ({@code key: numbers} lines: {@code P2} or {@code P_rect_02} 3x4,
 * {@code Tr_velo_to_cam} or {@code Tr} 3x4 or {@code R} + {@code T}, optional {@code R0_rect}/{@code R_rect_00}
 * 3x3 and {@code S_rect_02} image size).
 */
public final class KittiIo {
    private KittiIo() {
    }

    /** A parsed calibration: the camera, the LIDAR-to-camera extrinsic (rectification folded in). */
    public record Calib(Intrinsics camera, Extrinsic veloToCam) {
    }

    /** Reads a velodyne scan; labels are left 0 (see {@link #withLabels}). */
    public static PointCloud readVelodyne(Path file) throws IOException {
        byte[] all = readAll(file);
        if (all.length % 16 != 0) {
            throw new IOException(file + ": size " + all.length + " bytes is not a multiple of 16 (x, y, z, r float32)");
        }
        int n = all.length / 16;
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        float[] xyz = new float[3 * n];
        float[] r = new float[n];
        for (int i = 0; i < n; i++) {
            xyz[3 * i] = b.getFloat();
            xyz[3 * i + 1] = b.getFloat();
            xyz[3 * i + 2] = b.getFloat();
            r[i] = b.getFloat();
            if (!Float.isFinite(xyz[3 * i]) || !Float.isFinite(xyz[3 * i + 1]) || !Float.isFinite(xyz[3 * i + 2])) {
                throw new IOException(file + ": point " + i + " has a non-finite coordinate ("
                        + xyz[3 * i] + ", " + xyz[3 * i + 1] + ", " + xyz[3 * i + 2] + ")");
            }
        }
        return new PointCloud(xyz, new int[n], r);
    }

    /** Writes a velodyne scan atomically. */
    public static void writeVelodyne(Path file, PointCloud cloud) throws IOException {
        int n = cloud.size();
        ByteBuffer b = ByteBuffer.allocate(16 * n).order(ByteOrder.LITTLE_ENDIAN);
        float[] xyz = cloud.xyz();
        float[] r = cloud.intensity();
        for (int i = 0; i < n; i++) {
            b.putFloat(xyz[3 * i]).putFloat(xyz[3 * i + 1]).putFloat(xyz[3 * i + 2]).putFloat(r[i]);
        }
        AtomicFiles.write(file, b.array());
    }

    /** Reads SemanticKITTI labels (the class, the lower 16 bits of each uint32). */
    public static int[] readLabels(Path file) throws IOException {
        byte[] all = readAll(file);
        if (all.length % 4 != 0) {
            throw new IOException(file + ": size " + all.length + " bytes is not a multiple of 4 (uint32 labels)");
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int[] labels = new int[all.length / 4];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = b.getInt() & 0xffff;
        }
        return labels;
    }

    /** Writes SemanticKITTI labels (instance 0) atomically. */
    public static void writeLabels(Path file, int[] labels) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * labels.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int l : labels) {
            b.putInt(l & 0xffff);
        }
        AtomicFiles.write(file, b.array());
    }

    /** The cloud with these labels; the counts must agree. */
    public static PointCloud withLabels(PointCloud cloud, int[] labels, Path labelFile) throws IOException {
        if (labels.length != cloud.size()) {
            throw new IOException(labelFile + ": " + labels.length + " labels but the scan has " + cloud.size()
                    + " points");
        }
        return new PointCloud(cloud.xyz(), labels, cloud.intensity());
    }

    /**
     * Reads a calibration file. The image size comes from {@code S_rect_02} when present, else from
     * {@code defaultWidth/defaultHeight} (pass the mask size; -1 to demand the key).
     */
    public static Calib readCalib(Path file, int defaultWidth, int defaultHeight) throws IOException {
        Map<String, double[]> kv = readKeyValues(file);
        double[] p = first(kv, "P2", "P_rect_02");
        if (p == null) {
            throw new IOException(file + ": no camera matrix (expected a 'P2:' or 'P_rect_02:' line with 12 numbers)");
        }
        need(file, p, 12, "P2");
        int w = defaultWidth;
        int h = defaultHeight;
        double[] s = first(kv, "S_rect_02", "S2");
        if (s != null) {
            need(file, s, 2, "S_rect_02");
            w = (int) Math.round(s[0]);
            h = (int) Math.round(s[1]);
        }
        if (w <= 0 || h <= 0) {
            throw new IOException(file + ": no image size (expected an 'S_rect_02: width height' line)");
        }
        Extrinsic tr;
        double[] m = first(kv, "Tr_velo_to_cam", "Tr");
        if (m != null) {
            need(file, m, 12, "Tr_velo_to_cam");
            tr = Extrinsic.fromMatrix3x4(m);
            requireRotation(file, "Tr_velo_to_cam", tr.r());
        } else if (kv.containsKey("R") && kv.containsKey("T")) {
            need(file, kv.get("R"), 9, "R");
            need(file, kv.get("T"), 3, "T");
            tr = new Extrinsic(kv.get("R"), kv.get("T"));
            requireRotation(file, "R", tr.r());
        } else {
            throw new IOException(file + ": no LIDAR-to-camera transform (expected 'Tr_velo_to_cam:' with 12 numbers,"
                    + " or 'R:' 9 and 'T:' 3)");
        }
        double[] rect = first(kv, "R0_rect", "R_rect_00");
        if (rect != null) {
            need(file, rect, 9, "R0_rect");
            requireRotation(file, "R0_rect", rect);
            double[] rr = Extrinsic.multiply(rect, tr.r());
            double[] t = tr.t();
            double[] tt = new double[3];
            for (int i = 0; i < 3; i++) {
                tt[i] = rect[3 * i] * t[0] + rect[3 * i + 1] * t[1] + rect[3 * i + 2] * t[2];
            }
            tr = new Extrinsic(rr, tt);
        }
        try {
            return new Calib(Intrinsics.fromP(p, w, h), tr);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** How far from orthonormal (and from det = +1) a rotation read from a file may be: files print 6-7 digits. */
    static final double ROTATION_TOLERANCE = 1e-3;

    /**
     * Refuses a 3x3 block that is not a rotation: R^T R must be the identity and det R = +1, each within
     * {@link #ROTATION_TOLERANCE} (a scaled, sheared or mirrored matrix would make the solver's axis-angle meaningless).
     */
    public static void requireRotation(Path file, String key, double[] r) throws IOException {
        double worst = 0;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double dot = r[i] * r[j] + r[3 + i] * r[3 + j] + r[6 + i] * r[6 + j]; // (R^T R)_ij
                worst = Math.max(worst, Math.abs(dot - (i == j ? 1 : 0)));
            }
        }
        double det = r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6])
                + r[2] * (r[3] * r[7] - r[4] * r[6]);
        if (!(worst <= ROTATION_TOLERANCE) || !(Math.abs(det - 1) <= ROTATION_TOLERANCE)) {
            throw new IOException(String.format(java.util.Locale.ROOT, "%s: the rotation part of '%s' is not a "
                    + "rotation (R^T R differs from the identity by %.3g, det R = %.6g; expected orthonormal with "
                    + "det +1 within %.0e)", file, key, worst, det, ROTATION_TOLERANCE));
        }
    }

    /** Writes a calibration file with P2, Tr_velo_to_cam and S_rect_02 lines. */
    public static void writeCalib(Path file, Calib calib) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("P2: ").append(join(calib.camera().toP())).append('\n');
        sb.append("Tr_velo_to_cam: ").append(join(calib.veloToCam().toMatrix3x4())).append('\n');
        sb.append("S_rect_02: ").append(calib.camera().width()).append(' ').append(calib.camera().height()).append('\n');
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Numbers formatted like KITTI's files (scientific, 12 significant digits). */
    static String join(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(String.format(Locale.ROOT, "%.12e", v[i]));
        }
        return sb.toString();
    }

    /** Parses {@code key: n1 n2 ...} lines; blank lines and lines without numbers (e.g. dates) are skipped. */
    static Map<String, double[]> readKeyValues(Path file) throws IOException {
        String text = new String(readAll(file), StandardCharsets.UTF_8);
        Map<String, double[]> kv = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line : text.split("\\R")) {
            lineNo++;
            int colon = line.indexOf(':');
            if (line.isBlank() || colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String rest = line.substring(colon + 1).trim();
            if (rest.isEmpty()) {
                continue;
            }
            String[] parts = rest.split("\\s+");
            double[] vals = new double[parts.length];
            boolean numeric = true;
            for (int i = 0; i < parts.length && numeric; i++) {
                try {
                    vals[i] = Double.parseDouble(parts[i]);
                    if (!Double.isFinite(vals[i])) {
                        throw new IOException(file + ":" + lineNo + ": '" + key + "' has a non-finite value " + parts[i]);
                    }
                } catch (NumberFormatException e) {
                    numeric = false;
                }
            }
            if (numeric) {
                kv.put(key, vals);
            } else if (key.startsWith("P") || key.startsWith("Tr") || key.equals("R") || key.equals("T")) {
                throw new IOException(file + ":" + lineNo + ": '" + key + "' must be numbers, got '" + rest + "'");
            }
        }
        return kv;
    }

    private static double[] first(Map<String, double[]> kv, String a, String b) {
        return kv.containsKey(a) ? kv.get(a) : kv.get(b);
    }

    private static void need(Path file, double[] v, int n, String key) throws IOException {
        if (v.length != n) {
            throw new IOException(file + ": '" + key + "' needs " + n + " numbers, got " + v.length);
        }
    }

    static byte[] readAll(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": file not found", e);
        }
    }
}
