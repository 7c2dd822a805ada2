package dev.streamcanvas.engine.calib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The simulator agrees with itself through independent paths: rendered mask vs projected scan, flow vs motion. */
class SyntheticSequenceTest {
    @Test
    void stoppedScanProjectsOntoItsOwnClassInTheMask() {
        // stopped and no time offset: camera and LIDAR see the same static instant
        SynthOptions o = SynthOptions.defaults(4, 0).withFrames(1, new double[] {0}).withSize(0.5, 32, 0.5);
        CalibSequence seq = SyntheticSequence.generate(o, null);
        CalibFrame f = seq.frames().get(0);
        Extrinsic e = seq.truth().extrinsic();
        Intrinsics cam = seq.camera();
        int same = 0;
        int inImage = 0;
        float[] xyz = f.cloud().xyz();
        int[] labels = f.cloud().labels();
        for (int i = 0; i < labels.length; i++) {
            double[] p = project(e, cam, xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]);
            int u = (int) Math.round(p[0]);
            int v = (int) Math.round(p[1]);
            if (p[2] > 1 && u >= 0 && v >= 0 && u < cam.width() && v < cam.height()) {
                inImage++;
                int label = labels[i] == SyntheticSequence.MOVING_CAR ? SyntheticSequence.CAR : labels[i];
                if (f.mask().at(u, v) == label) {
                    same++;
                }
            }
        }
        assertThat(inImage).isGreaterThan(2000);
        // the rest are points on class edges and parallax occlusions between the two sensors
        assertThat((double) same / inImage).isGreaterThan(0.93);
    }

    static double[] project(Extrinsic e, Intrinsics cam, double x, double y, double z) {
        double xc = e.r(0, 0) * x + e.r(0, 1) * y + e.r(0, 2) * z + e.t(0);
        double yc = e.r(1, 0) * x + e.r(1, 1) * y + e.r(1, 2) * z + e.t(1);
        double zc = e.r(2, 0) * x + e.r(2, 1) * y + e.r(2, 2) * z + e.t(2);
        return new double[] {cam.fx() * xc / zc + cam.cx(), cam.fy() * yc / zc + cam.cy(), zc};
    }

    @Test
    void roadFlowMatchesAFiniteDifferenceOfTheGroundProjection() {
        // ego at 10 m/s: a road pixel's velocity must equal d/dt of the projection of its fixed ground point
        double speed = 10;
        SynthOptions o = SynthOptions.defaults(2, 0).withFrames(1, new double[] {speed}).withSize(0.5, 8, 2);
        CalibSequence seq = SyntheticSequence.generate(o, null);
        CalibFrame f = seq.frames().get(0);
        Intrinsics cam = seq.camera();
        Extrinsic e = seq.truth().extrinsic();
        double[] c = e.cameraCentre();
        int y = cam.height() - 5;
        int x = cam.width() / 2 + 20;
        while (f.mask().at(x, y) != SyntheticSequence.ROAD) {
            x++;   // the first road pixel right of the centre (a leading car may sit in front)
        }
        assertThat(Math.abs(x - cam.cx())).isGreaterThan(10);
        // back-project the pixel onto the ground plane z = -1.73 in the LIDAR frame
        double ux = (x - cam.cx()) / cam.fx();
        double uy = (y - cam.cy()) / cam.fy();
        double dx = e.r(0, 0) * ux + e.r(1, 0) * uy + e.r(2, 0);
        double dy = e.r(0, 1) * ux + e.r(1, 1) * uy + e.r(2, 1);
        double dz = e.r(0, 2) * ux + e.r(1, 2) * uy + e.r(2, 2);
        double s = (-SyntheticSequence.LIDAR_HEIGHT - c[2]) / dz;
        double gx = c[0] + s * dx;
        double gy = c[1] + s * dy;
        double gz = c[2] + s * dz;
        double h = 1e-4;
        // after h seconds the vehicle moved speed * h forward: the point is that much closer in the LIDAR frame
        double[] p0 = project(e, cam, gx, gy, gz);
        double[] p1 = project(e, cam, gx - speed * h, gy, gz);
        int i = y * cam.width() + x;
        assertThat((double) f.flow().uv()[2 * i]).isCloseTo((p1[0] - p0[0]) / h, within(0.01 * Math.abs(p1[0] - p0[0]) / h + 0.05));
        assertThat((double) f.flow().uv()[2 * i + 1]).isCloseTo((p1[1] - p0[1]) / h, within(0.01 * Math.abs(p1[1] - p0[1]) / h + 0.05));
        assertThat(p0[0]).isCloseTo(x, within(1e-6));
    }
}
