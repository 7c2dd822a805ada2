package dev.streamcanvas.engine.calib;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamcanvas.engine.io.Npy;
import dev.streamcanvas.engine.io.Png;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calibration files that a solve must not accept silently. */
class CalibBadInputTest {
    private static CalibSequence small;

    @TempDir
    Path dir;

    @BeforeAll
    static void generate() {
        SynthOptions o = SynthOptions.defaults(11, 40).withFrames(2, new double[] {0, 12}).withSize(0.25, 16, 1.0);
        small = SyntheticSequence.generate(o, null);
    }

    private void replaceTr(String matrix) throws IOException {
        Path calib = dir.resolve("calib.txt");
        List<String> lines = Files.readAllLines(calib);
        lines.replaceAll(l -> l.startsWith("Tr_velo_to_cam:") ? "Tr_velo_to_cam: " + matrix : l);
        Files.write(calib, lines);
    }

    @Test
    void anAllOnesExtrinsicIsNotARotation() throws IOException {
        SequenceIo.write(dir, small);
        replaceTr("1 1 1 1 1 1 1 1 1 1 1 1");
        assertThatThrownBy(() -> SequenceIo.read(dir, 0)).hasMessageStartingWith(dir.resolve("calib.txt").toString())
                .hasMessageContaining("'Tr_velo_to_cam' is not a rotation").hasMessageContaining("det R = 0");
    }

    @Test
    void aScaledOrMirroredRotationIsRefused() throws IOException {
        SequenceIo.write(dir, small);
        replaceTr("2 0 0 0.1 0 2 0 0.2 0 0 2 0.3"); // scaled by 2
        assertThatThrownBy(() -> SequenceIo.read(dir, 0)).hasMessageContaining("det R = 8");
        replaceTr("-1 0 0 0 0 1 0 0 0 0 1 0"); // orthonormal but a mirror
        assertThatThrownBy(() -> SequenceIo.read(dir, 0)).hasMessageContaining("det R = -1");
    }

    @Test
    void aRotationPrintedWithSixDigitsIsAccepted() throws IOException {
        SequenceIo.write(dir, small);
        // KITTI's sequence 00 Tr_velo_to_cam as printed in its calib.txt
        replaceTr("4.276802e-04 -9.999672e-01 -8.084491e-03 -1.198459e-02 -7.210626e-03 8.081198e-03 "
                + "-9.999413e-01 -5.403984e-02 9.999738e-01 4.859485e-04 -7.206933e-03 -2.921968e-01");
        SequenceIo.read(dir, 0);
    }

    @Test
    void aMaskOfTheWrongSizeIsBlamedOnTheMaskNotTheFlow() throws IOException {
        SequenceIo.write(dir, small);
        int w = small.camera().width();
        int h = small.camera().height();
        Png.writeGray(dir.resolve("mask_2/000001.png"), w - 2, h, new byte[(w - 2) * h]);
        Npy.writeFloats(dir.resolve("flow_2/000001.npy"), new float[2 * w * h], h, w, 2);
        assertThatThrownBy(() -> SequenceIo.read(dir, 0)).hasMessageStartingWith(
                dir.resolve("mask_2/000001.png").toString()).hasMessageContaining("the first mask (000000.png)");
    }
}
