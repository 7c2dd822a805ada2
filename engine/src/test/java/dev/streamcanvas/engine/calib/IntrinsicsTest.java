package dev.streamcanvas.engine.calib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class IntrinsicsTest {
    @Test
    void kittiStereoBaselineColumnBecomesACameraFrameOffset() {
        // KITTI odometry seq 00 P2: fx = 718.856, cx = 607.1928, cy = 185.2157, P[0][3] = 45.38225, P[1][3] = -0.1130887,
        // P[2][3] = 0.003779761; offset = K^-1 (p03, p13, p23) computed by hand:
        // bz = 0.003779761; by = (-0.1130887 - 185.2157 * bz) / 718.856; bx = (45.38225 - 607.1928 * bz) / 718.856
        double[] p = {718.856, 0, 607.1928, 45.38225, 0, 718.856, 185.2157, -0.1130887, 0, 0, 1, 0.003779761};
        Intrinsics k = Intrinsics.fromP(p, 1241, 376);
        double[] off = k.offset();
        assertThat(off[2]).isCloseTo(0.003779761, within(1e-12));
        assertThat(off[1]).isCloseTo((-0.1130887 - 185.2157 * 0.003779761) / 718.856, within(1e-12));
        assertThat(off[0]).isCloseTo((45.38225 - 607.1928 * 0.003779761) / 718.856, within(1e-12));
        assertThat(k.toP()).containsExactly(p, within(1e-9));
    }

    @Test
    void projectionOfAHandPlacedPointThroughTheLoss() {
        // a point 10 m ahead, 1 m to the right and 0.5 m down of a camera with f = 100, c = (50, 40):
        // u = 100 * 1 / 10 + 50 = 60, v = 100 * 0.5 / 10 + 40 = 45
        Intrinsics cam = new Intrinsics(101, 81, 100, 100, 50, 40);
        byte[] ids = new byte[101 * 81];
        ids[45 * 101 + 60] = 7;  // exactly one mask pixel of class 7, at (60, 45)
        ClassMask mask = new ClassMask(101, 81, ids);
        PointCloud cloud = new PointCloud(new float[] {1, 0.5f, 10}, new int[] {7}, new float[1]);
        CalibFrame f = new CalibFrame("p", mask, FlowField.zeros(101, 81), cloud, null);
        Extrinsic identity = new Extrinsic(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, new double[3]);
        BidirectionalLoss loss = new BidirectionalLoss(cam, java.util.List.of(f), new int[] {7}, 0.0, 10);
        loss.beginStage(new BidirectionalLoss.Stage(50, 50, 1, 1, false), new int[] {0}, identity, 0);
        // at the right pose both directions are 0
        assertThat(loss.evaluate(identity, 0)).isCloseTo(0, within(1e-9));
        // moving the camera 0.3 m along x moves the point 100 * 0.3 / 10 = 3 px left: point->mask 3, mask->point 3
        Extrinsic shifted = new Extrinsic(identity.r(), new double[] {-0.3, 0, 0});
        assertThat(loss.evaluate(shifted, 0)).isCloseTo(3, within(1e-4));
        // 0.4 m up in y (4 px) and 0.3 m in x (3 px): distance 5 px both ways
        Extrinsic diag = new Extrinsic(identity.r(), new double[] {-0.3, -0.4, 0});
        assertThat(loss.evaluate(diag, 0)).isCloseTo(5, within(1e-4));
    }

    @Test
    void badCameraValuesAreRejected() {
        assertThatThrownBy(() -> new Intrinsics(0, 10, 1, 1, 0, 0)).hasMessageContaining("image size");
        assertThatThrownBy(() -> new Intrinsics(10, 10, -1, 1, 0, 0)).hasMessageContaining("focal");
        assertThatThrownBy(() -> Intrinsics.fromP(new double[] {1, 0.5, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0}, 10, 10))
                .hasMessageContaining("P must have the form");
    }
}
