package dev.streamcanvas.app.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.image.WritableImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FXML view on the headless Monocle toolkit: it loads, binds to the view-model and draws. */
class TrainViewFxTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void toolkit() throws Exception {
        for (String[] p : new String[][] {{"glass.platform", "Monocle"}, {"monocle.platform", "Headless"},
            {"prism.order", "sw"}, {"prism.text", "t2k"}}) {
            if (System.getProperty(p[0]) == null) {
                System.setProperty(p[0], p[1]);
            }
        }
        CountDownLatch up = new CountDownLatch(1);
        try {
            Platform.startup(up::countDown);
        } catch (IllegalStateException alreadyRunning) {
            up.countDown();
        }
        assertThat(up.await(30, TimeUnit.SECONDS)).isTrue();
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> work) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>(); // assertion errors too, or they would be lost
        CountDownLatch done = new CountDownLatch(1);
        Platform.runLater(() -> {
            try {
                result.set(work.call());
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                done.countDown();
            }
        });
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        if (failure.get() instanceof Error e) {
            throw e;
        }
        if (failure.get() != null) {
            throw (Exception) failure.get();
        }
        return result.get();
    }

    @Test
    void viewBindsChartsButtonsAndPicturesToTheViewModel() throws Exception {
        TrainViewModel vm = new TrainViewModel(new InlineTaskRunner(), TrainBackend.engine(), null, dir);
        onFx(() -> {
            Parent root = TrainView.create(vm);
            Scene scene = new Scene(root, 660, 900);
            root.applyCss();
            root.layout();
            List<LineChart<?, ?>> charts = new java.util.ArrayList<>();
            for (Node n : root.lookupAll(".train-chart")) {
                charts.add((LineChart<?, ?>) n);
            }
            assertThat(charts).hasSize(4);
            assertThat(root.getStylesheets()).anySatisfy(css -> assertThat(css).endsWith("train.css"));
            assertThat(charts).allSatisfy(c -> assertThat(c.getData()).hasSize(2));
            assertThat(charts.get(0).getData()).isSameAs(vm.charts().trainLossSeries());
            vm.charts().trainLossSeries().get(1).getData().add(new XYChart.Data<>(1, 0.5));
            assertThat(((XYChart.Series<?, ?>) charts.get(0).getData().get(1)).getData()).hasSize(1);

            Button start = (Button) find(root, "startButton");
            Button useLive = (Button) find(root, "useLiveButton");
            assertThat(start.isDisabled()).as("no dataset yet").isTrue();
            assertThat(useLive.isVisible()).as("no live view to hand a model to").isFalse();
            vm.form().assignmentProperty().set(TrainForm.AssignmentChoice.NONE);
            assertThat(start.getText()).isEqualTo("Start vanilla run");

            vm.charts().samplesProperty(TrainViewModel.Run.IMMISCIBLE).set(new TrainCharts.SampleGrid(
                    TrainViewModel.Run.IMMISCIBLE, 40, 2, List.of(new int[] {0xffff0000, 0xffff0000, 0xffff0000, 0xffff0000})));
            assertThat(((Label) find(root, "immiscibleSamplesLabel")).getText()).isEqualTo("Immiscible · step 40");
            WritableImage shot = find(root, "immiscibleSamples").snapshot(null, null);
            assertThat(shot.getPixelReader().getArgb(10, 10)).as("first sample fills the top-left cell").isEqualTo(0xffff0000);
            assertThat(((Label) find(root, "immiscibleDemoLabel")).getText()).startsWith("Immiscible · total ");
            return scene;
        });
    }

    @Test
    void withSeveralSeedsEachSeedIsFaintTheMeansBoldAndOneLegendNamesTheMeans() throws Exception {
        TrainViewModel vm = new TrainViewModel(new InlineTaskRunner(), TrainBackend.engine(), null, dir);
        onFx(() -> {
            Parent root = TrainView.create(vm);
            Scene scene = new Scene(root, 660, 900);
            TrainCharts charts = vm.charts();
            charts.reset(List.of(4L, 5L));
            charts.addHeldOutLoss(0, TrainViewModel.Run.VANILLA, 10, 0.5);
            charts.addHeldOutLoss(1, TrainViewModel.Run.VANILLA, 10, 0.3);
            charts.addHeldOutLoss(0, TrainViewModel.Run.IMMISCIBLE, 10, 0.4);
            charts.addHeldOutLoss(1, TrainViewModel.Run.IMMISCIBLE, 10, 0.2);
            charts.addQuality(0, TrainViewModel.Run.VANILLA, 10, 3.0, new TrainCharts.SampleGrid(TrainViewModel.Run.VANILLA,
                    10, 1, List.of(new int[] {0xff00ff00})));
            root.applyCss();
            root.layout();
            LineChart<?, ?> heldOut = (LineChart<?, ?>) find(root, "heldOutChart");
            assertThat(heldOut.getData()).hasSize(6);
            assertThat(heldOut.isLegendVisible()).as("the charts' own legends would list every seed").isFalse();
            assertThat(find(root, "seedLegend").isVisible()).isTrue();
            assertThat(((Label) find(root, "seedLegendNote")).getText()).isEqualTo("faint: each of the 2 seeds");
            XYChart.Series<?, ?> seed = heldOut.getData().get(0);
            XYChart.Series<?, ?> mean = heldOut.getData().get(5);
            assertThat(seed.getNode().getStyleClass()).contains("train-seed-vanilla");
            assertThat(seed.getNode().getOpacity()).as("faint").isLessThan(0.5);
            assertThat(mean.getNode().getStyleClass()).contains("train-mean-immiscible");
            assertThat(mean.getNode().getOpacity()).isEqualTo(1.0);
            assertThat(((javafx.scene.shape.Path) mean.getNode()).getStrokeWidth())
                    .isGreaterThan(((javafx.scene.shape.Path) seed.getNode()).getStrokeWidth());
            assertThat(seed.getData().get(0).getNode().getStyleClass()).as("a seed's symbol is hidden")
                    .contains("train-seed-vanilla");
            assertThat(((Label) find(root, "vanillaSamplesLabel")).getText()).isEqualTo("Vanilla · seed 4 (first) · step 10");

            charts.reset(List.of(4L));
            root.applyCss();
            root.layout();
            assertThat(heldOut.getData()).hasSize(2);
            assertThat(heldOut.isLegendVisible()).isTrue();
            assertThat(find(root, "seedLegend").isVisible()).isFalse();
            return scene;
        });
    }

    private static Node find(Parent root, String id) {
        Node n = root.lookup("#" + id);
        assertThat(n).as("#" + id).isNotNull();
        return n;
    }
}
