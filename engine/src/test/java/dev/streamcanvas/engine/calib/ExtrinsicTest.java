package dev.streamcanvas.engine.calib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ExtrinsicTest {
    @Test
    void quarterTurnAboutZMapsXToY() {
        double[] r = Extrinsic.rotation(0, 0, Math.PI / 2);
        // by hand: R_z(90) = [[0,-1,0],[1,0,0],[0,0,1]]
        double[] expected = {0, -1, 0, 1, 0, 0, 0, 0, 1};
        for (int i = 0; i < 9; i++) {
            assertThat(r[i]).isCloseTo(expected[i], within(1e-12));
        }
    }

    @Test
    void rotationAboutXMatchesTheTextbookMatrix() {
        double a = 0.3;
        double[] r = Extrinsic.rotation(a, 0, 0);
        double[] expected = {1, 0, 0, 0, Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a)};
        for (int i = 0; i < 9; i++) {
            assertThat(r[i]).isCloseTo(expected[i], within(1e-12));
        }
    }

    @Test
    void axisAngleInvertsRodrigues() {
        double[][] ws = {{0.1, -0.2, 0.3}, {1e-8, 0, 2e-8}, {0, 3.0, 0.1}, {-1.2, 0.4, 0.9}};
        for (double[] w : ws) {
            double[] back = Extrinsic.axisAngle(Extrinsic.rotation(w[0], w[1], w[2]));
            for (int i = 0; i < 3; i++) {
                assertThat(back[i]).isCloseTo(w[i], within(1e-7));
            }
        }
    }

    @Test
    void rotationErrorIsTheAngleOfThePerturbation() {
        Extrinsic e = new Extrinsic(Extrinsic.rotation(0.2, 0.1, -0.4), new double[] {1, 2, 3});
        double deg = 2.5;
        double[] axis = {0.6, 0, 0.8};
        Extrinsic p = e.perturbed(new double[] {axis[0] * Math.toRadians(deg), 0, axis[2] * Math.toRadians(deg)},
                new double[] {0.03, 0, -0.04});
        assertThat(e.rotationErrorDeg(p)).isCloseTo(deg, within(1e-9));
        assertThat(e.translationError(p)).isCloseTo(0.05, within(1e-12));
    }

    @Test
    void matrixRoundTripAndCameraCentre() {
        // camera 1 m in front of the LIDAR (LIDAR x forward), looking forward: X_cam = R X + t with t = -R c
        Extrinsic e = new Extrinsic(new double[] {0, -1, 0, 0, 0, -1, 1, 0, 0}, new double[] {0, 0, -1});
        assertThat(Extrinsic.fromMatrix3x4(e.toMatrix3x4())).isEqualTo(e);
        assertThat(e.cameraCentre()).containsExactly(new double[] {1, 0, 0}, within(1e-15));
    }

    @Test
    void nonFiniteValuesAreRejected() {
        assertThatThrownBy(() -> new Extrinsic(new double[9], new double[] {0, Double.NaN, 0}))
                .hasMessageContaining("translation");
        assertThatThrownBy(() -> Extrinsic.fromMatrix3x4(new double[11])).hasMessageContaining("12 values");
    }
}
