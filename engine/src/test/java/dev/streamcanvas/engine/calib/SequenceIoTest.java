package dev.streamcanvas.engine.calib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.streamcanvas.engine.io.Npy;
import dev.streamcanvas.engine.io.Png;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading and writing sequence folders, and the clear errors for bad input. */
class SequenceIoTest {
    static CalibSequence small;

    @TempDir
    Path dir;

    @BeforeAll
    static void generate() {
        SynthOptions o = SynthOptions.defaults(11, 40).withFrames(2, new double[] {0, 12}).withSize(0.25, 16, 1.0);
        small = SyntheticSequence.generate(o, null);
    }

    @Test
    void writtenSequenceReadsBackUnchanged() throws IOException {
        SequenceIo.write(dir, small);
        CalibSequence back = SequenceIo.read(dir, 0);
        assertThat(back.frames()).hasSize(2);
        assertThat(back.truth().timeOffsetMs()).isEqualTo(40);
        assertThat(back.truth().extrinsic().rotationErrorDeg(small.truth().extrinsic())).isLessThan(1e-6);
        assertThat(back.initial().translationError(small.initial())).isLessThan(1e-9);
        assertThat(back.camera().fx()).isCloseTo(small.camera().fx(), within(1e-9));
        for (int k = 0; k < 2; k++) {
            CalibFrame a = small.frames().get(k);
            CalibFrame b = back.frames().get(k);
            assertThat(b.name()).isEqualTo(a.name());
            assertThat(b.mask().ids()).isEqualTo(a.mask().ids());
            assertThat(b.flow().uv()).isEqualTo(a.flow().uv());
            assertThat(b.cloud().xyz()).isEqualTo(a.cloud().xyz());
            assertThat(b.cloud().labels()).isEqualTo(a.cloud().labels());
            assertThat(b.rgb()).isEqualTo(a.rgb());
        }
        assertThat(SequenceIo.read(dir, 1).frames()).hasSize(1);
    }

    @Test
    void missingCalibFileIsNamed() throws IOException {
        SequenceIo.write(dir, small);
        Files.delete(dir.resolve("calib.txt"));
        assertThatThrownBy(() -> SequenceIo.read(dir, 0)).hasMessageContaining("calib.txt").hasMessageContaining("not found");
    }

    @Test
    void labelCountMismatchIsNamed() throws IOException {
        SequenceIo.write(dir, small);
        KittiIo.writeLabels(dir.resolve("labels/000001.label"), new int[] {1, 2, 3});
        assertThatThrownBy(() -> SequenceIo.read(dir, 0)).hasMessageContaining("000001.label")
                .hasMessageContaining("3 labels but the scan has");
    }

    @Test
    void maskOfTheWrongSizeForTheCameraIsRejected() throws IOException {
        SequenceIo.write(dir, small);
        int w = small.camera().width();
        int h = small.camera().height();
        // both frames' masks and flows a column narrower than S_rect_02 says
        for (String n : List.of("000000", "000001")) {
            Png.writeGray(dir.resolve("mask_2/" + n + ".png"), w - 1, h, new byte[(w - 1) * h]);
            Npy.writeFloats(dir.resolve("flow_2/" + n + ".npy"), new float[2 * (w - 1) * h], h, w - 1, 2);
            Files.delete(dir.resolve("image_2/" + n + ".png"));
        }
        assertThatThrownBy(() -> SequenceIo.read(dir, 0)).hasMessageContaining("mask is " + (w - 1) + "x" + h)
                .hasMessageContaining("camera image is " + w + "x" + h);
    }

    @Test
    void flowOfTheWrongShapeIsNamed() throws IOException {
        SequenceIo.write(dir, small);
        Npy.writeFloats(dir.resolve("flow_2/000000.npy"), new float[6], 1, 3, 2);
        assertThatThrownBy(() -> SequenceIo.read(dir, 0)).hasMessageContaining("000000.npy").hasMessageContaining("[1, 3, 2]");
    }

    @Test
    void mismatchedArraysAndNanPointsAreRejected() {
        assertThatThrownBy(() -> new PointCloud(new float[6], new int[3], new float[2]))
                .hasMessageContaining("2 points but 3 labels");
        assertThatThrownBy(() -> new PointCloud(new float[] {0, Float.NaN, 1}, new int[1], new float[1]))
                .hasMessageContaining("point 0").hasMessageContaining("non-finite");
        assertThatThrownBy(() -> new ClassMask(4, 3, new byte[11])).hasMessageContaining("needs 12 ids, got 11");
        assertThatThrownBy(() -> new FlowField(2, 2, new float[7])).hasMessageContaining("needs 8 values");
        ClassMask m = new ClassMask(4, 3, new byte[12]);
        assertThatThrownBy(() -> new CalibFrame("x", m, FlowField.zeros(5, 3), new PointCloud(new float[0], new int[0],
                new float[0]), null)).hasMessageContaining("flow is 5x3 but the mask is 4x3");
    }

    @Test
    void requestedClassWithoutPixelsOrPointsIsAnError() {
        SolveOptions o = SolveOptions.defaults().withClasses(new int[] {SyntheticSequence.ROAD, 99});
        assertThatThrownBy(() -> Calibrator.solve(small, small.initial(), o, null, null))
                .hasMessageContaining("class 99 has no mask pixels");
        // a class drawn in the masks but absent from every scan: road points relabelled as sidewalk
        List<CalibFrame> noRoad = new java.util.ArrayList<>();
        for (CalibFrame f : small.frames()) {
            int[] l = f.cloud().labels().clone();
            for (int i = 0; i < l.length; i++) {
                if (l[i] == SyntheticSequence.ROAD) {
                    l[i] = SyntheticSequence.SIDEWALK;
                }
            }
            noRoad.add(new CalibFrame(f.name(), f.mask(), f.flow(), new PointCloud(f.cloud().xyz(), l, f.cloud().intensity()),
                    null));
        }
        CalibSequence seq = new CalibSequence(small.camera(), small.initial(), noRoad, null);
        SolveOptions p = SolveOptions.defaults().withClasses(new int[] {SyntheticSequence.ROAD});
        assertThatThrownBy(() -> Calibrator.solve(seq, seq.initial(), p, null, null))
                .hasMessageContaining("class 40 has no labelled LIDAR points");
    }
}
