package dev.streamcanvas.engine.calib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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

    /**
     * One tiny frame whose loss is worked out by hand, so a loss that is wrongly scaled (sums instead of means, a
     * missing cap, a wrong gap) fails.
     *
     * <p>Camera 8x4 with fx = fy = 1 and c = (0, 0); identity rotation, t = 0, every point at Z = 1: a point
     * (X, Y, 1) projects to pixel (X, Y). Mask: class 1 in columns 0 and 1 (all rows), 0 elsewhere. Points of
     * class 1 at (1, 1), (4, 2) and (2.5, 1). Stage: point cap 2.5 px, mask cap 1 px, strides 1, no time; ring
     * gap g = 0.5 px.
     *
     * <p>Point to mask: D(1, 1) = 0 (inside); D(4, 2) = 3 (to column 1), capped to 2.5; D(2.5, 1) is bilinear
     * between D(2, 1) = 1 and D(3, 1) = 2, so 1.5. Mean (0 + 2.5 + 1.5) / 3 = 4/3.
     *
     * <p>Mask to point: the points cover rows 1..2 (one 16-px column band), so the samples are the class pixels
     * (0, 1), (1, 1), (0, 2), (1, 2). Nearest points: (1, 1) at 1, 0, sqrt 2 and 1. Each scores
     * min(1, max(0, d - 0.5)): 0.5, 0, sqrt 2 - 0.5, 0.5. Mean (0.5 + sqrt 2) / 4.
     *
     * <p>Loss: the mean of the two terms, (4/3 + (0.5 + sqrt 2) / 4) / 2 = 0.905944...
     *
     * <p>Moved by t = (1, 0, 0) m (same selection): the points land on (2, 1), (5, 2), (3.5, 1) with D = 1, 4
     * and 2.5, capped to 1, 2.5, 2.5: mean 2. Samples: nearest (2, 1) at 2, 1, sqrt 5, sqrt 2, scoring min(1,
     * d - 0.5) = 1, 0.5, 1, sqrt 2 - 0.5: mean (2 + sqrt 2) / 4. Loss (2 + (2 + sqrt 2) / 4) / 2 = 1.426777...
     */
    @Test
    void aTinyFrameHasTheLossComputedByHand() {
        int w = 8;
        int h = 4;
        byte[] ids = new byte[w * h];
        for (int y = 0; y < h; y++) {
            ids[y * w] = 1;
            ids[y * w + 1] = 1;
        }
        PointCloud cloud = new PointCloud(new float[] {1, 1, 1, 4, 2, 1, 2.5f, 1, 1}, new int[] {1, 1, 1}, new float[3]);
        CalibFrame frame = new CalibFrame("tiny", new ClassMask(w, h, ids), FlowField.zeros(w, h), cloud, null);
        BidirectionalLoss tiny = new BidirectionalLoss(new Intrinsics(w, h, 1, 1, 0, 0), List.of(frame), new int[] {1}, 0.5, 12);
        Extrinsic identity = new Extrinsic(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, new double[3]);
        tiny.beginStage(new BidirectionalLoss.Stage(2.5, 1, 1, 1, false), new int[] {0}, identity, 0);

        assertThat(tiny.stageCounts()).containsExactly(3, 4);
        assertThat(tiny.evaluate(identity, 0)).isCloseTo((4.0 / 3 + (0.5 + Math.sqrt(2)) / 4) / 2, within(1e-6));
        Extrinsic moved = new Extrinsic(identity.r(), new double[] {1, 0, 0});
        assertThat(tiny.evaluate(moved, 0)).isCloseTo((2 + (2 + Math.sqrt(2)) / 4) / 2, within(1e-6));
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
