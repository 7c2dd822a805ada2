package dev.streamcanvas.engine.calib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * End-to-end recovery on reduced-size synthetic sequences (621x188, 64 beams at 0.34 degrees, 8 frames) from a
 * guess 5 degrees / 20 cm / |delta| ms off. The full-size benchmark over more seeds is `streamcanvas calib bench`
 * (README, docs/calib/accuracy.md).
 */
class CalibratorTest {
    private static SynthOptions small(long seed, double offsetMs, double[] speeds) {
        return new SynthOptions(seed, speeds.length, offsetMs, speeds, SynthOptions.Noise.NONE, 0.5, 64, 0.34, 5, 20);
    }

    private static final double[] VARIED = {0, 0, 0, 6, 11, 15, 19, 8};

    /**
     * At half size a pixel spans twice the angle of KITTI's, so the per-seed bounds are looser than the full-size
     * target (0.3 deg, 5 cm, 3 ms per seed, met by `calib bench`); the mean over the seeds must still meet it.
     */
    @Test
    void recoversExtrinsicAndTimeOffsetOnEverySeed() {
        double[] offsets = {55, -70, 85};
        double[] sum = new double[3];
        for (int s = 0; s < offsets.length; s++) {
            CalibSequence seq = SyntheticSequence.generate(small(101 + s, offsets[s], VARIED), null);
            SolveResult r = Calibrator.solve(seq, seq.initial(), SolveOptions.defaults(), null, null);
            assertThat(r.initialErrors()[0]).isGreaterThan(4.99);
            assertThat(r.rotationErrorDeg()).as("seed %d rotation (deg)", 101 + s).isLessThan(0.3);
            assertThat(r.translationErrorCm()).as("seed %d translation (cm)", 101 + s).isLessThan(8);
            assertThat(r.deltaErrorMs()).as("seed %d time offset (ms)", 101 + s).isLessThan(6);
            assertThat(r.deltaStatus()).isEqualTo(SolveResult.DeltaStatus.DETERMINED);
            assertThat(r.lossAfter()).isLessThan(r.lossBefore() / 3);
            assertThat(r.stoppedFrames()).containsExactly("000000", "000001", "000002");
            sum[0] += r.rotationErrorDeg() / offsets.length;
            sum[1] += r.translationErrorCm() / offsets.length;
            sum[2] += r.deltaErrorMs() / offsets.length;
        }
        assertThat(sum[0]).as("mean rotation error (deg)").isLessThan(0.3);
        assertThat(sum[1]).as("mean translation error (cm)").isLessThan(5);
        assertThat(sum[2]).as("mean time offset error (ms)").isLessThan(3);
    }

    @Test
    void constantSpeedReportsTheTimeOffsetAsPoorlyDetermined() {
        double[] constant = {10, 10, 10, 10, 10, 10};
        CalibSequence seq = SyntheticSequence.generate(small(7, 60, constant), null);
        SolveResult r = Calibrator.solve(seq, seq.initial(), SolveOptions.defaults(), null, null);
        assertThat(r.stoppedFrames()).isEmpty();
        assertThat(r.deltaStatus()).isEqualTo(SolveResult.DeltaStatus.POORLY_DETERMINED);
        // rotation is still fine: only translation along the optical axis trades against delta
        assertThat(r.rotationErrorDeg()).isLessThan(0.3);
    }

    @Test
    void ignoringTheTimeOffsetPushesSpeedTimesOffsetIntoTranslation() {
        // every frame at 10 m/s, LIDAR 60 ms after the camera: the scan sees the scene 0.6 m closer, which an
        // extrinsic without delta can only explain by moving the camera 60 cm back along its optical axis
        double speed = 10;
        double[] constant = {speed, speed, speed, speed, speed, speed};
        for (double offsetMs : new double[] {30, 60}) {
            CalibSequence seq = SyntheticSequence.generate(small(8, offsetMs, constant), null);
            SolveResult r = Calibrator.solve(seq, seq.initial(), SolveOptions.defaults().withEstimateTime(false), null, null);
            assertThat(r.deltaStatus()).isEqualTo(SolveResult.DeltaStatus.FIXED);
            double predictedCm = speed * offsetMs / 10;
            double[] xyz = r.translationErrorCmXyz();
            assertThat(xyz[2]).as("optical-axis error at %.0f ms", offsetMs).isBetween(0.85 * predictedCm, 1.15 * predictedCm);
            assertThat(Math.hypot(xyz[0], xyz[1])).isLessThan(0.2 * predictedCm);
        }
    }

    @Test
    void cancellationStopsTheSolve() {
        CalibSequence seq = SyntheticSequence.generate(small(9, 40, new double[] {0, 12}), null);
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> Calibrator.solve(seq, seq.initial(), SolveOptions.defaults(), null,
                () -> calls.incrementAndGet() > 50)).isInstanceOf(CancellationException.class);
        assertThat(calls.get()).isEqualTo(51);
    }
}
