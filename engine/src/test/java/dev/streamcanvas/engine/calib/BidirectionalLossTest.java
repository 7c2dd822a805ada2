package dev.streamcanvas.engine.calib;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The loss on clean synthetic data: smallest at the truth, growing with every kind of perturbation. */
class BidirectionalLossTest {
    static CalibSequence seq;
    static BidirectionalLoss loss;
    static Extrinsic truth;
    static double delta;

    @BeforeAll
    static void build() {
        SynthOptions o = SynthOptions.defaults(21, 50).withFrames(3, new double[] {0, 9, 17}).withSize(0.5, 64, 0.34);
        seq = SyntheticSequence.generate(o, null);
        truth = seq.truth().extrinsic();
        delta = seq.truth().timeOffsetMs() / 1000;
        List<CalibFrame> mapped = Calibrator.mapLabels(seq.frames(), SolveOptions.semanticKittiMovingToStatic());
        int[] classes = Calibrator.chooseClasses(mapped, null);
        loss = new BidirectionalLoss(seq.camera(), mapped, classes, 0.5 * seq.camera().fy() * Math.toRadians(0.42), 12);
        loss.beginStage(new BidirectionalLoss.Stage(1.5, 1.5, 1, 2, true), new int[] {0, 1, 2}, truth, delta);
    }

    private static double at(double[] wDeg, double[] tCm, double dMs) {
        Extrinsic e = truth.perturbed(new double[] {Math.toRadians(wDeg[0]), Math.toRadians(wDeg[1]), Math.toRadians(wDeg[2])},
                new double[] {tCm[0] / 100, tCm[1] / 100, tCm[2] / 100});
        return loss.evaluate(e, delta + dMs / 1000);
    }

    @Test
    void lossIsSmallestAtTheTruthAndGrowsWithRotation() {
        double l0 = at(new double[3], new double[3], 0);
        SplittableRandom rnd = new SplittableRandom(3);
        double previous = l0;
        for (double deg : new double[] {0.25, 0.5, 1, 2}) {
            double mean = 0;
            for (int k = 0; k < 4; k++) {
                double[] a = {rnd.nextDouble(-1, 1), rnd.nextDouble(-1, 1), rnd.nextDouble(-1, 1)};
                double n = Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
                double v = at(new double[] {deg * a[0] / n, deg * a[1] / n, deg * a[2] / n}, new double[3], 0);
                assertThat(v).as("%.2f deg", deg).isGreaterThan(l0);
                mean += v / 4;
            }
            assertThat(mean).as("mean loss at %.2f deg", deg).isGreaterThan(previous);
            previous = mean;
        }
        assertThat(previous).isGreaterThan(3 * l0);
    }

    @Test
    void lossGrowsWithTranslationAlongEveryCameraAxis() {
        double l0 = at(new double[3], new double[3], 0);
        for (int axis = 0; axis < 3; axis++) {
            double previous = l0;
            // the optical axis (z) is the weakest direction: it only moves points radially by (p - c) dz / Z
            double[] steps = axis == 2 ? new double[] {10, 20, 40} : new double[] {5, 10, 20};
            for (double cm : steps) {
                double[] plus = new double[3];
                double[] minus = new double[3];
                plus[axis] = cm;
                minus[axis] = -cm;
                double v = Math.min(at(new double[3], plus, 0), at(new double[3], minus, 0));
                assertThat(v).as("axis %d, %.0f cm", axis, cm).isGreaterThan(previous);
                previous = v;
            }
        }
    }

    @Test
    void lossGrowsWithTimeOffsetError() {
        double l0 = at(new double[3], new double[3], 0);
        double previous = l0;
        for (double ms : new double[] {10, 25, 50}) {
            double v = Math.min(at(new double[3], new double[3], ms), at(new double[3], new double[3], -ms));
            assertThat(v).as("%.0f ms", ms).isGreaterThan(previous);
            previous = v;
        }
    }

    @Test
    void timeOffsetHasNoEffectOnAStoppedFrameOfAStaticScene() {
        // frame 0 is stopped; its moving cars are its only pixels with velocity
        double[] flow = {0};
        float[] uv = seq.frames().get(0).flow().uv();
        byte[] ids = seq.frames().get(0).mask().ids();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == SyntheticSequence.ROAD || ids[i] == SyntheticSequence.BUILDING) {
                flow[0] = Math.max(flow[0], Math.abs(uv[2 * i]) + Math.abs(uv[2 * i + 1]));
            }
        }
        assertThat(flow[0]).isZero();
        assertThat(BidirectionalLoss.medianFlow(seq.frames().get(0))).isZero();
        assertThat(BidirectionalLoss.medianFlow(seq.frames().get(2))).isGreaterThan(5);
    }
}
