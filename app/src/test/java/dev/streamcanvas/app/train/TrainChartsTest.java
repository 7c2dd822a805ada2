package dev.streamcanvas.app.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.streamcanvas.app.train.TrainViewModel.Run;
import dev.streamcanvas.engine.train.Measurement;
import dev.streamcanvas.engine.train.RunMetrics;
import java.util.List;
import javafx.collections.ObservableList;
import javafx.scene.chart.XYChart;
import org.junit.jupiter.api.Test;

/** The Train tab's chart model with made-up measurements; no JavaFX toolkit. */
class TrainChartsTest {
    private static final double EPS = 1e-12;

    private static List<Number> xs(XYChart.Series<Number, Number> s) {
        return s.getData().stream().map(XYChart.Data::getXValue).toList();
    }

    private static List<Double> ys(XYChart.Series<Number, Number> s) {
        return s.getData().stream().map(d -> d.getYValue().doubleValue()).toList();
    }

    private static List<String> names(ObservableList<XYChart.Series<Number, Number>> chart) {
        return chart.stream().map(XYChart.Series::getName).toList();
    }

    @Test
    void oneSeedKeepsOneSeriesPerRunNamedAfterTheRunAndNoMean() {
        TrainCharts charts = new TrainCharts();
        XYChart.Series<Number, Number> before = charts.trainLossSeries().get(0);
        charts.reset(List.of(42L));
        for (ObservableList<XYChart.Series<Number, Number>> chart : List.of(charts.trainLossSeries(),
                charts.heldOutLossSeries(), charts.qualitySeries(), charts.assignMsSeries())) {
            assertThat(names(chart)).containsExactly("Vanilla", "Immiscible");
            assertThat(charts.mean(chart, Run.VANILLA)).isNull();
        }
        assertThat(charts.severalSeeds()).isFalse();
        assertThat(charts.trainLossSeries().get(0)).as("a one-seed start keeps the series (and listeners on them)")
                .isSameAs(before);
        charts.addStep(0, Run.IMMISCIBLE, 5, 0.25, 3.0);
        assertThat(xs(charts.trainLossSeries().get(1))).containsExactly(5);
        assertThat(ys(charts.assignMsSeries().get(1))).containsExactly(3.0);
        assertThat(charts.trainLossSeries().get(0).getData()).isEmpty();
    }

    @Test
    void severalSeedsGiveOneSeriesPerSeedAndRunAndTheTwoMeansLast() {
        TrainCharts charts = new TrainCharts();
        charts.reset(List.of(5L, 6L, 7L));
        assertThat(charts.severalSeeds()).isTrue();
        for (ObservableList<XYChart.Series<Number, Number>> chart : List.of(charts.trainLossSeries(),
                charts.heldOutLossSeries(), charts.qualitySeries(), charts.assignMsSeries())) {
            assertThat(names(chart)).containsExactly("Vanilla · seed 5", "Immiscible · seed 5", "Vanilla · seed 6",
                    "Immiscible · seed 6", "Vanilla · seed 7", "Immiscible · seed 7", "Vanilla · mean of 3 seeds",
                    "Immiscible · mean of 3 seeds");
            assertThat(charts.role(chart.get(2))).isEqualTo(new TrainCharts.Role(Run.VANILLA, false));
            assertThat(charts.role(chart.get(7))).isEqualTo(new TrainCharts.Role(Run.IMMISCIBLE, true));
            assertThat(charts.mean(chart, Run.VANILLA)).isSameAs(chart.get(6));
        }
        charts.reset(List.of(5L));
        assertThat(names(charts.heldOutLossSeries())).as("back to one seed").containsExactly("Vanilla", "Immiscible");
    }

    @Test
    void theMeanIsTakenAtTheStepsEverySeedHasMeasured() {
        TrainCharts charts = new TrainCharts();
        charts.reset(List.of(1L, 2L, 3L));
        // as training hands them over: the seeds take turns, seed 2 lags one evaluation behind at the end
        charts.addHeldOutLoss(0, Run.VANILLA, 10, 0.9);
        charts.addHeldOutLoss(1, Run.VANILLA, 10, 0.5);
        charts.addHeldOutLoss(2, Run.VANILLA, 10, 0.7);
        charts.addHeldOutLoss(0, Run.IMMISCIBLE, 10, 0.4);
        charts.addHeldOutLoss(0, Run.VANILLA, 20, 0.7);
        charts.addHeldOutLoss(1, Run.VANILLA, 20, 0.3);
        charts.addHeldOutLoss(2, Run.VANILLA, 20, 0.8);
        charts.addHeldOutLoss(0, Run.VANILLA, 30, 0.5);
        charts.addHeldOutLoss(2, Run.VANILLA, 30, 0.2);
        XYChart.Series<Number, Number> vanilla = charts.mean(charts.heldOutLossSeries(), Run.VANILLA);
        XYChart.Series<Number, Number> immiscible = charts.mean(charts.heldOutLossSeries(), Run.IMMISCIBLE);
        // step 10: (0.9 + 0.5 + 0.7) / 3 = 0.7; step 20: (0.7 + 0.3 + 0.8) / 3 = 0.6; step 30: seed 2 has none yet
        assertThat(xs(vanilla)).containsExactly(10, 20);
        assertThat(ys(vanilla).get(0)).isCloseTo(0.7, within(EPS));
        assertThat(ys(vanilla).get(1)).isCloseTo(0.6, within(EPS));
        assertThat(immiscible.getData()).as("only seed 1's immiscible run has measured").isEmpty();
        assertThat(xs(charts.heldOutLossSeries().get(0))).containsExactly(10, 20, 30);
        assertThat(xs(charts.heldOutLossSeries().get(2))).containsExactly(10, 20);
        assertThat(ys(charts.heldOutLossSeries().get(4))).containsExactly(0.7, 0.8, 0.2);

        charts.addHeldOutLoss(1, Run.VANILLA, 30, 0.2);
        // step 30: (0.5 + 0.2 + 0.2) / 3 = 0.3
        assertThat(xs(vanilla)).containsExactly(10, 20, 30);
        assertThat(ys(vanilla).get(2)).isCloseTo(0.3, within(EPS));

        charts.reset(List.of(1L, 2L, 3L));
        assertThat(vanilla.getData()).as("a new start empties the means").isEmpty();
        charts.addHeldOutLoss(0, Run.VANILLA, 10, 1.0);
        assertThat(vanilla.getData()).as("the old points are gone from the mean too").isEmpty();
    }

    @Test
    void nonFiniteQualityStaysOffTheChartAndOnlyTheFirstSeedsSamplesAreShown() {
        TrainCharts charts = new TrainCharts();
        charts.reset(List.of(8L, 9L));
        TrainCharts.SampleGrid first = new TrainCharts.SampleGrid(Run.VANILLA, 10, 1, List.of(new int[] {1}));
        TrainCharts.SampleGrid second = new TrainCharts.SampleGrid(Run.VANILLA, 10, 1, List.of(new int[] {2}));
        charts.addQuality(1, Run.VANILLA, 10, 3.0, second);
        assertThat(charts.samplesProperty(Run.VANILLA).get()).isNull();
        charts.addQuality(0, Run.VANILLA, 10, Double.NaN, first);
        assertThat(charts.samplesProperty(Run.VANILLA).get()).isSameAs(first);
        assertThat(charts.qualitySeries().get(0).getData()).isEmpty();
        assertThat(xs(charts.qualitySeries().get(2))).containsExactly(10);
        assertThat(charts.mean(charts.qualitySeries(), Run.VANILLA).getData()).isEmpty();
    }

    @Test
    void finishedRunsFillEveryChartFromItsColumn() {
        TrainCharts charts = new TrainCharts();
        double nan = Double.NaN;
        // step, held-out loss, FD (NaN: not a quality step), train loss, assignment ms
        RunMetrics.SeedRuns a = new RunMetrics.SeedRuns(3,
                List.of(new Measurement(10, 0.8, nan, 1.0, 0), new Measurement(20, 0.6, 5.0, 0.9, 0)),
                List.of(new Measurement(10, 0.7, nan, 0.9, 2.5), new Measurement(20, 0.5, 4.0, 0.8, 3.5)));
        RunMetrics.SeedRuns b = new RunMetrics.SeedRuns(4,
                List.of(new Measurement(10, 0.4, nan, 0.8, 0), new Measurement(20, 0.5, 7.0, 0.7, 0)),
                List.of(new Measurement(10, 0.3, nan, 0.7, 1.5), new Measurement(20, 0.4, 5.0, 0.6, 2.5)));
        charts.show(List.of(a, b));
        assertThat(charts.seedsProperty().get()).containsExactly(3L, 4L);
        assertThat(charts.heldOutLossSeries()).hasSize(6);
        assertThat(ys(charts.heldOutLossSeries().get(0))).containsExactly(0.8, 0.6);
        // means by hand: held-out vanilla (0.8 + 0.4) / 2, (0.6 + 0.5) / 2; FD only at step 20
        assertThat(ys(charts.mean(charts.heldOutLossSeries(), Run.VANILLA)))
                .satisfiesExactly(y -> assertThat(y).isCloseTo(0.6, within(EPS)), y -> assertThat(y).isCloseTo(0.55, within(EPS)));
        assertThat(xs(charts.mean(charts.qualitySeries(), Run.VANILLA))).containsExactly(20);
        assertThat(ys(charts.mean(charts.qualitySeries(), Run.VANILLA))).containsExactly(6.0);
        assertThat(ys(charts.mean(charts.qualitySeries(), Run.IMMISCIBLE))).containsExactly(4.5);
        assertThat(ys(charts.mean(charts.trainLossSeries(), Run.VANILLA)))
                .satisfiesExactly(y -> assertThat(y).isCloseTo(0.9, within(EPS)), y -> assertThat(y).isCloseTo(0.8, within(EPS)));
        assertThat(ys(charts.mean(charts.assignMsSeries(), Run.IMMISCIBLE))).containsExactly(2.0, 3.0);
        assertThat(charts.samplesProperty(Run.VANILLA).get()).isNull();
    }
}
