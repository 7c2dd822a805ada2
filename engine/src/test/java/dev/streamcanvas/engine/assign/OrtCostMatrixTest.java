package dev.streamcanvas.engine.assign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.streamcanvas.engine.train.SyntheticImages;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OrtCostMatrixTest {

    /** Always on ORT, however small the problem. */
    private static OrtCostMatrix ortOnly(int maxShapes) {
        return new OrtCostMatrix(1, maxShapes, 0);
    }

    @Test
    void handComputedTwoByTwoAndThreeByThreeDistances() {
        try (OrtCostMatrix ort = ortOnly(2)) {
            // (0,0),(3,4) against (0,0),(6,8): 0, 10 / 5, 5
            float[] c2 = ort.l2(new float[] {0, 0, 3, 4}, 2, new float[] {0, 0, 6, 8}, 2, 2);
            assertThat(c2).containsExactly(new float[] {0, 10, 5, 5}, within(1e-5f));
            // rows (1,0,0),(0,2,0),(0,0,3) against (0,0,0),(1,2,2),(2,0,0), differences worked out by hand
            float[] a = {1, 0, 0, 0, 2, 0, 0, 0, 3};
            float[] b = {0, 0, 0, 1, 2, 2, 2, 0, 0};
            float[] c3 = ort.l2(a, 3, b, 3, 3);
            float[] expected = {1, (float) Math.sqrt(8), 1, 2, (float) Math.sqrt(5), (float) Math.sqrt(8), 3,
                (float) Math.sqrt(6), (float) Math.sqrt(13)};
            assertThat(c3).containsExactly(expected, within(1e-5f));
        }
    }

    @Test
    void equalsTheJavaReferenceOnRandomDataOfAnOddShape() {
        SplittableRandom rng = new SplittableRandom(11);
        int n = 37;
        int m = 21;
        int d = 3072 + 5;
        float[] a = new float[n * d];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rng.nextDouble(-1, 1);
        }
        float[] b = Gaussian.fill(new float[m * d], rng);
        float[] ref = CostMatrix.l2(a, n, b, m, d);
        try (OrtCostMatrix ort = ortOnly(1)) {
            float[] fast = ort.l2(a, n, b, m, d);
            assertThat(fast).hasSameSizeAs(ref);
            for (int k = 0; k < ref.length; k++) {
                assertThat((double) fast[k]).as("entry %d", k).isCloseTo(ref[k], within(2e-6 * ref[k]));
            }
        }
    }

    @Test
    void fastAssignmentIsCertifiedOptimalAndEqualsTheReferencePaths() {
        SplittableRandom rng = new SplittableRandom(12);
        int n = 192;
        int d = 3072;
        float[] x = SyntheticImages.smoothBatch(n, 3, 32, 32, rng);
        float[] e = Gaussian.fill(new float[n * d], rng);
        try (OrtCostMatrix ort = ortOnly(1)) {
            float[] fast = ort.l2(x, n, e, n, d);
            LinearAssignment.Solution s = LinearAssignment.solve(fast, n);
            assertThat(s.certificateViolation(fast)).isLessThan(1e-9 * s.cost());
            float[] ref = CostMatrix.l2(x, n, e, n, d);
            int[] reference = NoiseAssignment.solve(ref, n, NoiseAssignment.Quantization.EXACT);
            NoiseAssignment.Result viaAssign = NoiseAssignment.assign(x, e, n, d, NoiseAssignment.Quantization.EXACT, ort);
            assertThat(viaAssign.noiseFor()).containsExactly(s.rowToCol());
            // identical up to float ties: on this data no two pairings tie within float rounding
            assertThat(s.rowToCol()).containsExactly(reference);
        }
    }

    @Test
    void aSessionPushedOutOfTheCacheAndAllAtCloseAreClosed() throws Exception {
        SplittableRandom rng = new SplittableRandom(13);
        OrtCostMatrix ort = ortOnly(2);
        List<OrtSession> first;
        List<OnnxTensor> firstTensors;
        try {
            ort.l2(Gaussian.fill(new float[4 * 8], rng), 4, Gaussian.fill(new float[4 * 8], rng), 4, 8);
            ort.l2(Gaussian.fill(new float[4 * 8], rng), 4, Gaussian.fill(new float[4 * 8], rng), 4, 8);
            assertThat(ort.sessionsOpened()).as("same shape, same session").isEqualTo(1);
            first = ort.sessionsForTest();
            firstTensors = ort.tensorsForTest();
            assertThat(firstTensors).hasSize(5).noneMatch(OnnxTensor::isClosed);
            ort.l2(Gaussian.fill(new float[5 * 8], rng), 5, Gaussian.fill(new float[3 * 8], rng), 3, 8);
            ort.l2(Gaussian.fill(new float[6 * 8], rng), 6, Gaussian.fill(new float[6 * 8], rng), 6, 8);
            assertThat(ort.openSessions()).isEqualTo(2);
            assertThat(ort.sessionsClosed()).isEqualTo(1);
            assertThat(firstTensors).allMatch(OnnxTensor::isClosed);
            assertThatThrownBy(() -> first.get(0).getNumInputs()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        } finally {
            List<OrtSession> open = ort.sessionsForTest();
            List<OnnxTensor> tensors = ort.tensorsForTest();
            ort.close();
            assertThat(open).hasSize(2);
            for (OrtSession s : open) {
                assertThatThrownBy(s::getNumInputs).isInstanceOf(IllegalStateException.class);
            }
            assertThat(tensors).allMatch(OnnxTensor::isClosed);
        }
        assertThat(ort.openSessions()).isZero();
        assertThat(ort.sessionsClosed()).isEqualTo(ort.sessionsOpened()).isEqualTo(3);
        assertThatThrownBy(() -> ort.l2(new float[8], 1, new float[8], 1, 8)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void smallProblemsStayOnTheJavaProductAndOpenNoSession() {
        try (OrtCostMatrix ort = new OrtCostMatrix(1, 1)) {
            SplittableRandom rng = new SplittableRandom(14);
            float[] a = Gaussian.fill(new float[16 * 2], rng);
            float[] b = Gaussian.fill(new float[16 * 2], rng);
            assertThat(ort.l2(a, 16, b, 16, 2)).containsExactly(CostMatrix.l2(a, 16, b, 16, 2));
            assertThat(ort.sessionsOpened()).isZero();
        }
    }

    @Test
    void rejectsMalformedInputNamingTheShape() {
        try (OrtCostMatrix ort = ortOnly(1)) {
            assertThatThrownBy(() -> ort.l2(new float[5], 2, new float[6], 2, 3)).hasMessageContaining("5 values")
                    .hasMessageContaining("2*3");
            assertThatThrownBy(() -> ort.l2(new float[6], 2, new float[5], 2, 3)).hasMessageContaining("second matrix");
        }
        assertThatThrownBy(() -> new OrtCostMatrix(0, 0)).hasMessageContaining("maxShapes");
    }
}
