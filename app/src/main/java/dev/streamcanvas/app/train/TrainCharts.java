package dev.streamcanvas.app.train;

import dev.streamcanvas.app.train.TrainViewModel.Run;
import java.util.List;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.chart.XYChart;

/**
 * The Train tab's curves and sample grids, one series per run (index 0 vanilla, 1 immiscible), as the charts
 * bind them. Per-step values are averaged over a stride of steps so that long runs do not flood the charts. UI
 * thread only.
 */
public final class TrainCharts {
    static final int MAX_CURVE_POINTS = 200;

    /** The newest generated samples of one run. */
    public record SampleGrid(Run run, int step, int size, List<int[]> argb) {
    }

    private final ObservableList<XYChart.Series<Number, Number>> trainLoss = seriesPair();
    private final ObservableList<XYChart.Series<Number, Number>> heldOutLoss = seriesPair();
    private final ObservableList<XYChart.Series<Number, Number>> quality = seriesPair();
    private final ObservableList<XYChart.Series<Number, Number>> assignMs = seriesPair();
    private final List<ObjectProperty<SampleGrid>> samples = List.of(new SimpleObjectProperty<>(),
            new SimpleObjectProperty<>());

    private static ObservableList<XYChart.Series<Number, Number>> seriesPair() {
        ObservableList<XYChart.Series<Number, Number>> pair = FXCollections.observableArrayList();
        for (Run r : Run.values()) {
            pair.add(new XYChart.Series<>(r.toString(), FXCollections.observableArrayList()));
        }
        return pair;
    }

    /** Steps averaged into one point for a run of {@code steps} UNet steps. */
    static int stride(int steps) {
        return Math.max(1, (steps + MAX_CURVE_POINTS - 1) / MAX_CURVE_POINTS);
    }

    void clear() {
        for (ObservableList<XYChart.Series<Number, Number>> chart : List.of(trainLoss, heldOutLoss, quality, assignMs)) {
            chart.forEach(s -> s.getData().clear());
        }
        samples.forEach(s -> s.set(null));
    }

    /** A point of the training-loss and assignment-time curves (means over the stride). */
    void addStep(Run run, int step, double loss, double ms) {
        trainLoss.get(run.ordinal()).getData().add(new XYChart.Data<>(step, loss));
        assignMs.get(run.ordinal()).getData().add(new XYChart.Data<>(step, ms));
    }

    void addHeldOutLoss(Run run, int step, double loss) {
        heldOutLoss.get(run.ordinal()).getData().add(new XYChart.Data<>(step, loss));
    }

    /** A quality point (left out when not finite) and the run's newest samples. */
    void addQuality(Run run, int step, double fd, SampleGrid grid) {
        if (Double.isFinite(fd)) {
            quality.get(run.ordinal()).getData().add(new XYChart.Data<>(step, fd));
        }
        samples.get(run.ordinal()).set(grid);
    }

    public ObservableList<XYChart.Series<Number, Number>> trainLossSeries() {
        return trainLoss;
    }

    public ObservableList<XYChart.Series<Number, Number>> heldOutLossSeries() {
        return heldOutLoss;
    }

    public ObservableList<XYChart.Series<Number, Number>> qualitySeries() {
        return quality;
    }

    public ObservableList<XYChart.Series<Number, Number>> assignMsSeries() {
        return assignMs;
    }

    public ObjectProperty<SampleGrid> samplesProperty(Run run) {
        return samples.get(run.ordinal());
    }
}
