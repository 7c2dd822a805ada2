package dev.streamcanvas.app.train;

import dev.streamcanvas.app.train.TrainViewModel.Run;
import dev.streamcanvas.engine.train.Measurement;
import dev.streamcanvas.engine.train.RunMetrics;
import dev.streamcanvas.engine.train.SeedStatistics.Point;
import dev.streamcanvas.engine.train.SeedStatistics;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.chart.XYChart;

/**
 * The Train tab's curves and sample grids, as the charts bind them. With one seed every chart holds one series per
 * run (index 0 vanilla, 1 immiscible). With several seeds it holds one series per seed and run (seed by seed,
 * vanilla then immiscible; drawn faint) and, last so that they are drawn on top, the mean of each run across the
 * seeds ({@link SeedStatistics#meanCurve}: only at steps every seed has measured; drawn bold). Per-step values are
 * averaged over a stride of steps so that long runs do not flood the charts. The sample grids are the first seed's.
 * UI thread only.
 */
public final class TrainCharts {
    static final int MAX_CURVE_POINTS = 200;

    /** The newest generated samples of one run. */
    public record SampleGrid(Run run, int step, int size, List<int[]> argb) {
    }

    /** What a series draws: one seed's run, or (mean true) the mean of a run across all seeds. */
    public record Role(Run run, boolean mean) {
    }

    /** One chart: its series and, with several seeds, the points behind the means. */
    private final class Curves {
        final ObservableList<XYChart.Series<Number, Number>> series = FXCollections.observableArrayList();
        final ToDoubleFunction<Measurement> column;
        private final List<List<XYChart.Series<Number, Number>>> perSeed = new ArrayList<>(); // [seed][run]
        private final List<List<List<Point>>> points = new ArrayList<>(); // [seed][run], several seeds only
        private final List<XYChart.Series<Number, Number>> means = new ArrayList<>(); // [run], several seeds only

        Curves(ToDoubleFunction<Measurement> column) {
            this.column = column;
        }

        /** Empties the chart; the same series stay when the layout does not change (listeners on them keep working). */
        void clear() {
            series.forEach(s -> s.getData().clear());
            points.forEach(seed -> seed.forEach(List::clear));
        }

        void layout(List<Long> seedList) {
            perSeed.clear();
            points.clear();
            means.clear();
            List<XYChart.Series<Number, Number>> all = new ArrayList<>();
            boolean several = seedList.size() > 1;
            for (long seed : seedList) {
                List<XYChart.Series<Number, Number>> runs = new ArrayList<>();
                for (Run r : Run.values()) {
                    runs.add(series(several ? r + " · seed " + seed : r.toString(), new Role(r, false)));
                }
                perSeed.add(runs);
                points.add(several ? List.of(new ArrayList<>(), new ArrayList<>()) : List.of());
                all.addAll(runs);
            }
            if (several) {
                for (Run r : Run.values()) {
                    means.add(series(r + " · mean of " + seedList.size() + " seeds", new Role(r, true)));
                }
                all.addAll(means);
            }
            series.setAll(all);
        }

        private XYChart.Series<Number, Number> series(String name, Role role) {
            XYChart.Series<Number, Number> s = new XYChart.Series<>(name, FXCollections.observableArrayList());
            roles.put(s, role);
            return s;
        }

        /** A point of seed {@code seedIndex}'s run; with several seeds the run's mean grows where all seeds have it. */
        void add(int seedIndex, Run run, int step, double value) {
            perSeed.get(seedIndex).get(run.ordinal()).getData().add(new XYChart.Data<>(step, value));
            if (!means.isEmpty()) {
                points.get(seedIndex).get(run.ordinal()).add(new Point(step, value));
                updateMean(run);
            }
        }

        /** Seed {@code seedIndex}'s whole curve of {@code run} (measured rows only). */
        void set(int seedIndex, Run run, List<Measurement> rows) {
            List<Point> curve = SeedStatistics.curve(rows, column);
            List<XYChart.Data<Number, Number>> data = new ArrayList<>();
            curve.forEach(p -> data.add(new XYChart.Data<>(p.step(), p.value())));
            perSeed.get(seedIndex).get(run.ordinal()).getData().setAll(data);
            if (!means.isEmpty()) {
                points.get(seedIndex).get(run.ordinal()).addAll(curve);
                updateMean(run);
            }
        }

        /** Appends the mean's new points: a step every seed has measured keeps its mean, so only new steps are added. */
        private void updateMean(Run run) {
            List<List<Point>> arm = new ArrayList<>();
            points.forEach(p -> arm.add(p.get(run.ordinal())));
            List<Point> mean = SeedStatistics.meanCurve(arm);
            ObservableList<XYChart.Data<Number, Number>> shown = means.get(run.ordinal()).getData();
            for (int i = shown.size(); i < mean.size(); i++) {
                shown.add(new XYChart.Data<>(mean.get(i).step(), mean.get(i).value()));
            }
        }
    }

    private final Map<XYChart.Series<Number, Number>, Role> roles = new IdentityHashMap<>();
    private final Curves trainLoss = new Curves(Measurement::trainLoss);
    private final Curves heldOutLoss = new Curves(Measurement::heldOutLoss);
    private final Curves quality = new Curves(Measurement::frechetDistance);
    private final Curves assignMs = new Curves(Measurement::assignMs);
    private final List<Curves> charts = List.of(trainLoss, heldOutLoss, quality, assignMs);
    private final List<ObjectProperty<SampleGrid>> samples = List.of(new SimpleObjectProperty<>(),
            new SimpleObjectProperty<>());
    private final ReadOnlyObjectWrapper<List<Long>> seeds = new ReadOnlyObjectWrapper<>(List.of());

    TrainCharts() {
        reset(List.of(0L));
    }

    /** Steps averaged into one point for a run of {@code steps} UNet steps. */
    static int stride(int steps) {
        return Math.max(1, (steps + MAX_CURVE_POINTS - 1) / MAX_CURVE_POINTS);
    }

    /** Empties every chart and lays its series out for {@code seedList} (one or more seeds). */
    void reset(List<Long> seedList) {
        if (seedList.isEmpty()) {
            throw new IllegalArgumentException("the charts need one or more seeds");
        }
        List<Long> now = seeds.get();
        boolean sameLayout = now.size() == seedList.size() && (now.size() == 1 || now.equals(seedList));
        seeds.set(List.copyOf(seedList)); // first: whoever styles the new series asks severalSeeds()
        if (sameLayout) {
            charts.forEach(Curves::clear);
        } else {
            roles.clear();
            charts.forEach(c -> c.layout(seedList));
        }
        samples.forEach(s -> s.set(null));
    }

    /** A point of the training-loss and assignment-time curves (means over the stride) of one seed's run. */
    void addStep(int seedIndex, Run run, int step, double loss, double ms) {
        trainLoss.add(seedIndex, run, step, loss);
        assignMs.add(seedIndex, run, step, ms);
    }

    void addHeldOutLoss(int seedIndex, Run run, int step, double loss) {
        heldOutLoss.add(seedIndex, run, step, loss);
    }

    /** A quality point (left out when not finite); the samples are shown for the first seed only. */
    void addQuality(int seedIndex, Run run, int step, double fd, SampleGrid grid) {
        if (Double.isFinite(fd)) {
            quality.add(seedIndex, run, step, fd);
        }
        if (seedIndex == 0) {
            samples.get(run.ordinal()).set(grid);
        }
    }

    /** Shows finished runs read from their metrics files (no samples): every chart from the matching column. */
    void show(List<RunMetrics.SeedRuns> runs) {
        reset(runs.stream().map(RunMetrics.SeedRuns::seed).toList());
        for (int s = 0; s < runs.size(); s++) {
            for (Curves c : charts) {
                c.set(s, Run.VANILLA, runs.get(s).vanilla());
                c.set(s, Run.IMMISCIBLE, runs.get(s).immiscible());
            }
        }
    }

    /** The seeds the charts are laid out for (one entry when a single comparison is shown). */
    public ReadOnlyObjectProperty<List<Long>> seedsProperty() {
        return seeds.getReadOnlyProperty();
    }

    /** Whether the charts show several seeds (faint per-seed series and bold means). */
    public boolean severalSeeds() {
        return seeds.get().size() > 1;
    }

    /** What {@code series} (of any chart) draws, or null when it is not one of these charts' series. */
    public Role role(XYChart.Series<?, ?> series) {
        return roles.get(series);
    }

    /** The mean series of {@code run} in {@code chart} (one of the series lists here); null with one seed. */
    public XYChart.Series<Number, Number> mean(ObservableList<XYChart.Series<Number, Number>> chart, Run run) {
        for (XYChart.Series<Number, Number> s : chart) {
            Role r = roles.get(s);
            if (r != null && r.mean() && r.run() == run) {
                return s;
            }
        }
        return null;
    }

    public ObservableList<XYChart.Series<Number, Number>> trainLossSeries() {
        return trainLoss.series;
    }

    public ObservableList<XYChart.Series<Number, Number>> heldOutLossSeries() {
        return heldOutLoss.series;
    }

    public ObservableList<XYChart.Series<Number, Number>> qualitySeries() {
        return quality.series;
    }

    public ObservableList<XYChart.Series<Number, Number>> assignMsSeries() {
        return assignMs.series;
    }

    public ObjectProperty<SampleGrid> samplesProperty(Run run) {
        return samples.get(run.ordinal());
    }
}
