package dev.streamcanvas.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.streamcanvas.engine.train.SeedStatistics.Point;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeedStatisticsTest {
    @Test
    void firstReachInterpolatesBetweenTheEvaluationsAroundTheTarget() {
        List<Point> c = List.of(new Point(500, 0.9), new Point(1000, 0.6), new Point(1500, 0.3), new Point(2000, 0.2));
        // 0.6 -> 0.3 crosses 0.5 a third of the way: 1000 + (0.6 - 0.5) / 0.3 * 500 = 1166.67
        assertThat(SeedStatistics.firstReach(c, 0.5)).isCloseTo(1166.6667, within(1e-3));
        assertThat(SeedStatistics.firstReach(c, 0.6)).isEqualTo(1000.0);
        assertThat(SeedStatistics.firstReach(c, 0.95)).isEqualTo(500.0); // reached at the first evaluation
        assertThat(SeedStatistics.firstReach(c, 0.1)).isNaN();
    }

    @Test
    void firstReachTakesTheFirstCrossingOfANoisyCurve() {
        List<Point> c = List.of(new Point(100, 1.0), new Point(200, 0.4), new Point(300, 0.8), new Point(400, 0.2));
        // 1.0 -> 0.4 crosses 0.5 at 100 + 0.5 / 0.6 * 100
        assertThat(SeedStatistics.firstReach(c, 0.5)).isCloseTo(183.3333, within(1e-3));
    }

    @Test
    void tIntervalOfThreeSeedsUsesTwoDegreesOfFreedom() {
        // values 0.5, 0.6, 0.7: mean 0.6, s = 0.1, t(2, 0.975) = 4.302653 (tables), half width 4.302653 * 0.1 / sqrt 3
        SeedStatistics.Interval i = SeedStatistics.tInterval(new double[] {0.5, 0.6, 0.7}, 0.95);
        assertThat(i.n()).isEqualTo(3);
        assertThat(i.mean()).isCloseTo(0.6, within(1e-12));
        assertThat(i.halfWidth()).isCloseTo(4.302653 * 0.1 / Math.sqrt(3), within(1e-5));
        assertThat(i.low()).isCloseTo(0.6 - 0.248414, within(1e-5));
    }

    @Test
    void tIntervalSkipsSeedsWithoutAValueAndNeedsTwo() {
        SeedStatistics.Interval two = SeedStatistics.tInterval(new double[] {1.0, Double.NaN, 3.0}, 0.95);
        // n 2: s = sqrt 2, t(1, 0.975) = 12.7062
        assertThat(two.n()).isEqualTo(2);
        assertThat(two.halfWidth()).isCloseTo(12.7062 * Math.sqrt(2) / Math.sqrt(2), within(1e-3));
        SeedStatistics.Interval one = SeedStatistics.tInterval(new double[] {2.0, Double.NaN}, 0.95);
        assertThat(one.mean()).isEqualTo(2.0);
        assertThat(one.halfWidth()).isNaN();
    }

    @Test
    void meanCurveKeepsOnlyStepsEveryRunMeasured() {
        List<Point> a = List.of(new Point(100, 1.0), new Point(200, 0.5), new Point(300, 0.2));
        List<Point> b = List.of(new Point(100, 3.0), new Point(200, 1.5));
        assertThat(SeedStatistics.meanCurve(List.of(a, b)))
                .containsExactly(new Point(100, 2.0), new Point(200, 1.0));
    }

    @Test
    void curveTakesTheMeasuredValuesOfAColumnInStepOrder() {
        List<Measurement> rows = List.of(new Measurement(50, 0.3, Double.NaN, 0.4, 0),
                new Measurement(100, 0.2, 0.7, 0.3, 0, 0.9, 0.05, -1.5));
        assertThat(SeedStatistics.curve(rows, Measurement::classifierFd)).containsExactly(new Point(100, 0.9));
        assertThat(SeedStatistics.curve(rows, Measurement::heldOutLoss)).hasSize(2);
    }
}
