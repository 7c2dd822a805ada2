package dev.streamcanvas.engine.calib;

import dev.streamcanvas.engine.io.AtomicFiles;
import dev.streamcanvas.engine.io.Npy;
import dev.streamcanvas.engine.io.Png;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A calibration sequence on disk, laid out like a KITTI odometry sequence:
 * <pre>
 * DIR/calib.txt               P2, Tr_velo_to_cam (the initial guess), S_rect_02
 * DIR/velodyne/NNNNNN.bin     points, float32 x y z r
 * DIR/labels/NNNNNN.label     SemanticKITTI uint32 per point
 * DIR/mask_2/NNNNNN.png       8-bit class ids per pixel (same ids as the labels)
 * DIR/flow_2/NNNNNN.npy       float32 [H, W, 2], pixel velocity du/dt, dv/dt in pixels per second
 * DIR/image_2/NNNNNN.png      optional camera image (RGB), for overlays
 * DIR/truth.txt               optional ground truth: Tr_velo_to_cam and time_offset_ms (t_lidar - t_camera)
 * </pre>
 */
public final class SequenceIo {
    private SequenceIo() {
    }

    /** Reads every frame of {@code dir} (frames are the velodyne files, in name order; {@code maxFrames <= 0}: all). */
    public static CalibSequence read(Path dir, int maxFrames) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": not a directory");
        }
        Path velo = dir.resolve("velodyne");
        if (!Files.isDirectory(velo)) {
            throw new IOException(velo + ": missing folder (expected velodyne/NNNNNN.bin scans)");
        }
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(velo)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".bin")).sorted()
                    .forEach(n -> names.add(n.substring(0, n.length() - 4)));
        }
        if (names.isEmpty()) {
            throw new IOException(velo + ": no .bin scans");
        }
        if (maxFrames > 0 && names.size() > maxFrames) {
            names.subList(maxFrames, names.size()).clear();
        }
        List<CalibFrame> frames = new ArrayList<>();
        for (String name : names) {
            CalibFrame f = readFrame(dir, name, frames.isEmpty() ? null : frames.get(0));
            frames.add(f);
        }
        ClassMask m0 = frames.get(0).mask();
        KittiIo.Calib calib = KittiIo.readCalib(dir.resolve("calib.txt"), m0.width(), m0.height());
        GroundTruth truth = null;
        Path truthFile = dir.resolve("truth.txt");
        if (Files.exists(truthFile)) {
            Map<String, double[]> kv = KittiIo.readKeyValues(truthFile);
            double[] tr = kv.get("Tr_velo_to_cam");
            double[] off = kv.get("time_offset_ms");
            if (tr == null || tr.length != 12 || off == null || off.length != 1) {
                throw new IOException(truthFile + ": expected 'Tr_velo_to_cam:' with 12 numbers and 'time_offset_ms:' with 1");
            }
            Extrinsic t = Extrinsic.fromMatrix3x4(tr);
            KittiIo.requireRotation(truthFile, "Tr_velo_to_cam", t.r());
            truth = new GroundTruth(t, off[0]);
        }
        try {
            return new CalibSequence(calib.camera(), calib.veloToCam(), frames, truth);
        } catch (IllegalArgumentException e) {
            throw new IOException(dir + ": " + e.getMessage(), e);
        }
    }

    /** Reads one frame; every mask must have the size of the first one ({@code first}, null for the first). */
    private static CalibFrame readFrame(Path dir, String name, CalibFrame first) throws IOException {
        Path bin = dir.resolve("velodyne").resolve(name + ".bin");
        Path labelFile = dir.resolve("labels").resolve(name + ".label");
        Path maskFile = dir.resolve("mask_2").resolve(name + ".png");
        Path flowFile = dir.resolve("flow_2").resolve(name + ".npy");
        Path imageFile = dir.resolve("image_2").resolve(name + ".png");
        PointCloud cloud = KittiIo.withLabels(KittiIo.readVelodyne(bin), KittiIo.readLabels(labelFile), labelFile);
        Png.Image m = Png.read(maskFile);
        if (m.channels() != 1) {
            throw new IOException(maskFile + ": a class mask must be a greyscale or palette PNG, got RGB");
        }
        if (first != null && (m.width() != first.mask().width() || m.height() != first.mask().height())) {
            throw new IOException(maskFile + ": mask is " + m.width() + "x" + m.height() + " but the first mask ("
                    + first.name() + ".png) is " + first.mask().width() + "x" + first.mask().height()
                    + "; every mask must have the camera image's size");
        }
        ClassMask mask = new ClassMask(m.width(), m.height(), m.samples());
        Npy.Array fa = Npy.read(flowFile);
        long[] sh = fa.shape();
        if (sh.length != 3 || sh[0] != m.height() || sh[1] != m.width() || sh[2] != 2) {
            throw new IOException(flowFile + ": shape " + fa.shapeString() + ", expected [" + m.height() + ", "
                    + m.width() + ", 2] to match " + maskFile.getFileName());
        }
        FlowField flow;
        try {
            flow = new FlowField(m.width(), m.height(), fa.toFloats());
        } catch (IllegalArgumentException e) {
            throw new IOException(flowFile + ": " + e.getMessage(), e);
        }
        byte[] rgb = null;
        if (Files.exists(imageFile)) {
            Png.Image im = Png.read(imageFile);
            if (im.width() != m.width() || im.height() != m.height()) {
                throw new IOException(imageFile + ": image is " + im.width() + "x" + im.height() + " but the mask is "
                        + m.width() + "x" + m.height());
            }
            rgb = im.channels() == 3 ? im.samples() : grayToRgb(im.samples());
        }
        return new CalibFrame(name, mask, flow, cloud, rgb);
    }

    static byte[] grayToRgb(byte[] g) {
        byte[] rgb = new byte[3 * g.length];
        for (int i = 0; i < g.length; i++) {
            rgb[3 * i] = g[i];
            rgb[3 * i + 1] = g[i];
            rgb[3 * i + 2] = g[i];
        }
        return rgb;
    }

    /** Writes a sequence (calib.txt with the sequence's initial extrinsic, and truth.txt when known). */
    public static void write(Path dir, CalibSequence seq) throws IOException {
        Files.createDirectories(dir);
        KittiIo.writeCalib(dir.resolve("calib.txt"), new KittiIo.Calib(seq.camera(), seq.initial()));
        if (seq.truth() != null) {
            String t = "Tr_velo_to_cam: " + KittiIo.join(seq.truth().extrinsic().toMatrix3x4()) + "\n"
                    + String.format(Locale.ROOT, "time_offset_ms: %.6f%n", seq.truth().timeOffsetMs());
            AtomicFiles.write(dir.resolve("truth.txt"), t.getBytes(StandardCharsets.UTF_8));
        }
        for (CalibFrame f : seq.frames()) {
            writeFrame(dir, f);
        }
    }

    /** Writes one frame's files. */
    public static void writeFrame(Path dir, CalibFrame f) throws IOException {
        KittiIo.writeVelodyne(dir.resolve("velodyne").resolve(f.name() + ".bin"), f.cloud());
        KittiIo.writeLabels(dir.resolve("labels").resolve(f.name() + ".label"), f.cloud().labels());
        ClassMask m = f.mask();
        Png.writeGray(dir.resolve("mask_2").resolve(f.name() + ".png"), m.width(), m.height(), m.ids());
        Path flow = dir.resolve("flow_2").resolve(f.name() + ".npy");
        Files.createDirectories(flow.getParent());
        Npy.writeFloats(flow, f.flow().uv(), m.height(), m.width(), 2);
        if (f.rgb() != null) {
            Png.writeRgb(dir.resolve("image_2").resolve(f.name() + ".png"), m.width(), m.height(), f.rgb());
        }
    }
}
