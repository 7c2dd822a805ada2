package dev.streamcanvas.app.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.streamcanvas.app.concurrent.TaskRunner;
import dev.streamcanvas.app.train.TrainViewModel.Run;
import dev.streamcanvas.app.train.TrainViewModel.State;
import dev.streamcanvas.engine.assign.NoiseAssignment;
import dev.streamcanvas.engine.model.ModelFolder;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javafx.collections.ListChangeListener;
import javafx.scene.chart.XYChart;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Train tab's view-model on the real engine with a tiny model and synthetic images; no JavaFX toolkit. */
class TrainViewModelTest {
    /** The run folders of a two-seed start with seed 11, as the CLI's train --seeds lays them out. */
    private static final List<String> SEED_RUNS = List.of("seed-11/vanilla", "seed-11/immiscible", "seed-12/vanilla",
            "seed-12/immiscible");

    @TempDir
    Path dir;

    /** Writes n small images (shapes of different colours and sizes) and one corrupt file. */
    private Path dataset(int n) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB);
            int colour = 0xff000000 | (40 + 17 * i) % 256 << 16 | (200 - 13 * i) % 256 << 8 | (90 * i) % 256;
            for (int y = 0; y < 20; y++) {
                for (int x = 0; x < 20; x++) {
                    boolean inside = Math.abs(x - 10) + Math.abs(y - 10) < 3 + i % 6;
                    img.setRGB(x, y, inside ? colour : 0xffffffff);
                }
            }
            ImageIO.write(img, i % 4 == 0 ? "jpg" : "png", data.resolve(String.format("shape_%02d.%s", i, i % 4 == 0 ? "jpg" : "png")).toFile());
        }
        Files.write(data.resolve("zz_corrupt.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        return data;
    }

    private TrainViewModel tinyVm(TaskRunner tasks, LiveModelTarget live, int steps) {
        TrainViewModel vm = new TrainViewModel(tasks, TrainBackend.engine(), live, dir.resolve("runs"));
        vm.form().modelPresetProperty().set(vm.form().modelPresets().stream()
                .filter(p -> p.config().imageSize() == 16).findFirst().orElseThrow());
        vm.form().stepsProperty().set(Integer.toString(steps));
        vm.form().vaeStepsProperty().set("2");
        vm.form().batchProperty().set("4");
        vm.form().evalEveryProperty().set("1");
        vm.form().sampleEveryProperty().set(Integer.toString(steps));
        vm.form().seedProperty().set("11");
        return vm;
    }

    private static List<Number> xs(XYChart.Series<Number, Number> s) {
        return s.getData().stream().map(XYChart.Data::getXValue).toList();
    }

    private static List<Double> ys(XYChart.Series<Number, Number> s) {
        return s.getData().stream().map(d -> d.getYValue().doubleValue()).toList();
    }

    @Test
    void choosingADatasetShowsItsCountSkippedFilesAndThumbnails() throws Exception {
        Path data = dataset(10);
        TrainViewModel vm = tinyVm(new InlineTaskRunner(), null, 2);
        assertThat(vm.canStart().get()).isFalse();
        vm.chooseDataset(data);
        assertThat(vm.stateProperty().get()).isEqualTo(State.IDLE);
        assertThat(vm.errorProperty().get()).isEmpty();
        assertThat(vm.imageCountProperty().get()).isEqualTo(10);
        assertThat(vm.skippedCountProperty().get()).isEqualTo(1);
        assertThat(vm.datasetSummaryProperty().get()).contains("10 images").contains("1 skipped");
        assertThat(vm.thumbnails()).hasSize(TrainViewModel.THUMBNAILS);
        assertThat(vm.thumbnails().get(0).argb()).hasSize(16 * 16);
        assertThat(vm.thumbnails().get(1).caption()).isEqualTo("shape 01");
        assertThat(vm.canStart().get()).isTrue();
    }

    @Test
    void cancellingWhileAFolderLoadsKeepsThePreviousDataset() throws Exception {
        Path data = dataset(10);
        TrainViewModel vm = tinyVm(new InlineTaskRunner(), null, 2);
        List<Double> seen = new ArrayList<>();
        vm.progressProperty().addListener((o, a, p) -> {
            seen.add(p.doubleValue());
            if (p.doubleValue() >= 0.3 && vm.canCancel().get()) {
                vm.cancel();
            }
        });
        vm.chooseDataset(data);
        assertThat(vm.statusProperty().get()).isEqualTo("Loading cancelled.");
        assertThat(vm.datasetFolderProperty().get()).isNull();
        assertThat(vm.imageCountProperty().get()).isZero();
        // cancelled when 4 of 11 files were read (the first report at or above 0.3): no further file is read
        assertThat(seen).contains(1 / 11.0, 2 / 11.0, 3 / 11.0, 4 / 11.0).doesNotContain(5 / 11.0);
        assertThat(vm.stateProperty().get()).isEqualTo(State.IDLE);
    }

    @Test
    void aFolderWithoutImagesIsReportedAndNothingChanges() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        TrainViewModel vm = tinyVm(new InlineTaskRunner(), null, 2);
        vm.chooseDataset(empty);
        assertThat(vm.errorProperty().get()).contains("empty").contains("no readable images");
        assertThat(vm.datasetFolderProperty().get()).isNull();
        assertThat(vm.stateProperty().get()).isEqualTo(State.IDLE);
    }

    @Test
    void startTrainsBothRunsAndEveryChartGetsPointsForBoth() throws Exception {
        TrainViewModel vm = tinyVm(new InlineTaskRunner(), null, 4);
        vm.chooseDataset(dataset(12));
        List<Double> progressSeen = new ArrayList<>();
        List<String> order = new ArrayList<>();
        for (Run r : Run.values()) {
            vm.charts().trainLossSeries().get(r.ordinal()).getData().addListener(
                    (ListChangeListener<XYChart.Data<Number, Number>>) c -> order.add(r + " " + vm.charts().trainLossSeries()
                            .get(r.ordinal()).getData().size()));
        }
        vm.progressProperty().addListener((o, a, p) -> {
            if (vm.stateProperty().get() == State.TRAINING) {
                progressSeen.add(p.doubleValue());
            }
        });
        vm.start();
        // the two runs take turns, so both curves grow together
        assertThat(order).containsExactly("Vanilla 1", "Immiscible 1", "Vanilla 2", "Immiscible 2", "Vanilla 3",
                "Immiscible 3", "Vanilla 4", "Immiscible 4");
        assertThat(vm.errorProperty().get()).isEmpty();
        assertThat(vm.stateProperty().get()).isEqualTo(State.IDLE);
        assertThat(progressSeen).as("progress only grows").isSorted();
        assertThat(vm.statusProperty().get()).startsWith("Done.").contains("Vanilla: held-out loss")
                .contains("Immiscible: held-out loss");
        assertThat(vm.progressProperty().get()).isEqualTo(1.0);
        for (Run r : Run.values()) {
            int i = r.ordinal();
            assertThat(xs(vm.charts().trainLossSeries().get(i))).as(r + " training loss").containsExactly(1, 2, 3, 4);
            assertThat(xs(vm.charts().heldOutLossSeries().get(i))).as(r + " held-out loss").containsExactly(1, 2, 3, 4);
            assertThat(xs(vm.charts().qualitySeries().get(i))).as(r + " quality").containsExactly(4);
            assertThat(xs(vm.charts().assignMsSeries().get(i))).as(r + " assignment ms").containsExactly(1, 2, 3, 4);
            assertThat(ys(vm.charts().trainLossSeries().get(i))).allSatisfy(y -> assertThat(y).isPositive().isFinite());
            assertThat(vm.charts().samplesProperty(r).get()).isNotNull();
            assertThat(vm.charts().samplesProperty(r).get().step()).isEqualTo(4);
            assertThat(vm.charts().samplesProperty(r).get().argb().get(0)).hasSize(16 * 16);
        }
        // the vanilla run pairs noise as drawn (no assignment time); the immiscible run spends time assigning
        assertThat(ys(vm.charts().assignMsSeries().get(0))).containsOnly(0.0);
        assertThat(ys(vm.charts().assignMsSeries().get(1))).allSatisfy(y -> assertThat(y).isPositive());
        assertThat(vm.charts().trainLossSeries().get(0).getName()).isEqualTo("Vanilla");
        assertThat(vm.charts().trainLossSeries().get(1).getName()).isEqualTo("Immiscible");
        // both runs wrote their own run folder; the immiscible one reused the vanilla VAE
        assertThat(dir.resolve("runs/vanilla/metrics.csv")).isRegularFile();
        assertThat(dir.resolve("runs/immiscible/metrics.csv")).isRegularFile();
        assertThat(dir.resolve("runs/seed-11")).as("one seed keeps the single-comparison folders").doesNotExist();
        assertThat(dir.resolve("runs/comparison.json")).doesNotExist();
        assertThat(vm.canExport().get()).isTrue();
        vm.dispose();
    }

    @Test
    void severalSeedsTrainAPairPerSeedAndChartEachSeedAndTheMeanAcrossSeeds() throws Exception {
        TrainViewModel vm = tinyVm(new InlineTaskRunner(), null, 2);
        vm.form().seedsProperty().set(2);
        vm.chooseDataset(dataset(12));
        vm.start();
        assertThat(vm.errorProperty().get()).isEmpty();
        assertThat(vm.stateProperty().get()).isEqualTo(State.IDLE);
        assertThat(vm.progressProperty().get()).isEqualTo(1.0);
        // the CLI's layout: seed, seed + 1, each a vanilla and an immiscible run, and the manifest
        for (String run : SEED_RUNS) {
            assertThat(dir.resolve("runs").resolve(run).resolve("metrics.csv")).as(run).isRegularFile();
        }
        assertThat(dir.resolve("runs/comparison.json")).isRegularFile();
        assertThat(dir.resolve("runs/vanilla")).doesNotExist();
        TrainCharts charts = vm.charts();
        assertThat(charts.seedsProperty().get()).containsExactly(11L, 12L);
        for (var chart : List.of(charts.trainLossSeries(), charts.heldOutLossSeries(), charts.qualitySeries(),
                charts.assignMsSeries())) {
            assertThat(chart).hasSize(2 * 2 + 2);
            for (Run r : Run.values()) {
                XYChart.Series<Number, Number> first = chart.get(r.ordinal());
                XYChart.Series<Number, Number> second = chart.get(2 + r.ordinal());
                XYChart.Series<Number, Number> mean = charts.mean(chart, r);
                assertThat(xs(mean)).as(r + " " + mean.getName()).isEqualTo(xs(first)).isEqualTo(xs(second)).isNotEmpty();
                for (int i = 0; i < mean.getData().size(); i++) {
                    assertThat(ys(mean).get(i)).isCloseTo((ys(first).get(i) + ys(second).get(i)) / 2,
                            within(1e-12));
                }
            }
        }
        assertThat(xs(charts.heldOutLossSeries().get(0))).containsExactly(1, 2);
        assertThat(ys(charts.heldOutLossSeries().get(0))).as("the seeds differ")
                .isNotEqualTo(ys(charts.heldOutLossSeries().get(2)));
        assertThat(charts.samplesProperty(Run.IMMISCIBLE).get().step()).isEqualTo(2);
        assertThat(vm.statusProperty().get()).startsWith("Done: 2 seeds").contains("Vanilla: held-out loss")
                .contains("Immiscible: held-out loss");
        assertThat(vm.canExport().get()).as("the first seed's runs can be exported").isTrue();
        vm.dispose();
    }

    @Test
    void cancellingSeveralSeedsKeepsACheckpointForEveryStartedRun() throws Exception {
        TrainViewModel vm = tinyVm(new InlineTaskRunner(), null, 20);
        vm.form().seedsProperty().set(2);
        vm.chooseDataset(dataset(12));
        vm.progressProperty().addListener((o, a, p) -> {
            // 2 VAE steps + 4 runs x 20 UNet steps: a tenth is done when each run has made a step or two
            if (p.doubleValue() >= 0.1 && vm.canCancel().get() && vm.stateProperty().get() == State.TRAINING) {
                vm.cancel();
            }
        });
        vm.start();
        assertThat(vm.stateProperty().get()).isEqualTo(State.IDLE);
        assertThat(vm.statusProperty().get()).startsWith("Cancelled");
        for (String run : SEED_RUNS) {
            assertThat(dir.resolve("runs").resolve(run).resolve("checkpoint.bin")).as(run).isRegularFile();
        }
        assertThat(vm.charts().trainLossSeries().get(0).getData().size()).isLessThan(20);
        vm.dispose();
    }

    @Test
    void aFolderThatHoldsAMultiSeedComparisonIsNotReplaced() throws Exception {
        TrainViewModel vm = tinyVm(new InlineTaskRunner(), null, 2);
        vm.chooseDataset(dataset(6));
        Files.createDirectories(dir.resolve("runs"));
        Files.writeString(dir.resolve("runs/comparison.json"), "{\"seeds\": \"[11, 12]\"}");
        vm.form().seedsProperty().set(2);
        vm.start();
        assertThat(vm.errorProperty().get()).contains("already holds a multi-seed comparison")
                .contains(dir.resolve("runs").toString());
        assertThat(vm.stateProperty().get()).isEqualTo(State.IDLE);
        assertThat(dir.resolve("runs/seed-11")).doesNotExist();
    }

    @Test
    void severalSeedsNeedAnImmiscibleRunToCompare() throws Exception {
        TrainViewModel vm = tinyVm(new InlineTaskRunner(), null, 2);
        vm.chooseDataset(dataset(6));
        vm.form().seedsProperty().set(3);
        vm.form().assignmentProperty().set(TrainForm.AssignmentChoice.NONE);
        vm.start();
        assertThat(vm.errorProperty().get()).contains("Several seeds").contains("assignment other than none");
        assertThat(dir.resolve("runs")).doesNotExist();
    }

    /** Writes a run's metrics.csv as the trainer does: the header and one row per line (the columns of Measurement). */
    private void metrics(Path run, String... rows) throws Exception {
        Files.createDirectories(run);
        Files.writeString(run.resolve("metrics.csv"), dev.streamcanvas.engine.train.Trainer.METRICS_HEADER + "\n"
                + String.join("\n", rows) + "\n");
    }

    @Test
    void openingACliSeedFolderShowsEachSeedAndTheMeanReadOnly() throws Exception {
        Path out = dir.resolve("cli-out");
        // step, held-out loss, FD (empty: not measured), train loss, assign ms, classifier FD, its sd, distance reduction
        metrics(out.resolve("seed-3/vanilla"), "10,0.8,,1.0,0,,,", "20,0.6,5.0,0.9,0,,,");
        metrics(out.resolve("seed-3/immiscible"), "10,0.7,,0.9,2.5,,,-10", "20,0.5,4.0,0.8,3.5,,,-11");
        metrics(out.resolve("seed-4/vanilla"), "10,0.4,,0.8,0,,,", "20,0.5,7.0,0.7,0,,,");
        metrics(out.resolve("seed-4/immiscible"), "10,0.3,,0.7,1.5,,,-9", "20,0.4,5.0,0.6,2.5,,,-12");
        Files.writeString(out.resolve("comparison.json"), "{\"seeds\": \"[3, 4]\"}");
        TrainViewModel vm = tinyVm(new InlineTaskRunner(), null, 2);
        vm.openResults(out);
        assertThat(vm.errorProperty().get()).isEmpty();
        assertThat(vm.statusProperty().get()).contains("2 seeds").contains("read-only");
        TrainCharts charts = vm.charts();
        assertThat(charts.qualitySeries()).hasSize(6);
        // by hand: vanilla held-out (0.8 + 0.4) / 2 = 0.6 and (0.6 + 0.5) / 2 = 0.55; FD (5 + 7) / 2 and (4 + 5) / 2
        assertThat(ys(charts.mean(charts.heldOutLossSeries(), Run.VANILLA))).satisfiesExactly(
                y -> assertThat(y).isCloseTo(0.6, within(1e-12)),
                y -> assertThat(y).isCloseTo(0.55, within(1e-12)));
        assertThat(ys(charts.mean(charts.qualitySeries(), Run.VANILLA))).containsExactly(6.0);
        assertThat(ys(charts.mean(charts.qualitySeries(), Run.IMMISCIBLE))).containsExactly(4.5);
        assertThat(ys(charts.mean(charts.assignMsSeries(), Run.IMMISCIBLE))).containsExactly(2.0, 3.0);
        assertThat(vm.canExport().get()).as("nothing to export from metrics files").isFalse();
        assertThat(out.resolve("curves.png")).as("read-only: nothing is written").doesNotExist();
    }

    @Test
    void openingASingleComparisonShowsOneSeriesPerRunAndABadFolderIsReported() throws Exception {
        Path out = dir.resolve("single");
        metrics(out.resolve("vanilla"), "5,0.9,,1.1,0,,,");
        metrics(out.resolve("immiscible"), "5,0.8,,1.0,2.0,,,-5");
        TrainViewModel vm = tinyVm(new InlineTaskRunner(), null, 2);
        vm.openResults(out);
        assertThat(vm.errorProperty().get()).isEmpty();
        assertThat(vm.charts().heldOutLossSeries()).hasSize(2);
        assertThat(ys(vm.charts().heldOutLossSeries().get(1))).containsExactly(0.8);

        vm.openResults(Files.createDirectories(dir.resolve("nothing")));
        assertThat(vm.errorProperty().get()).startsWith("Could not open the results").contains("metrics.csv");
        assertThat(ys(vm.charts().heldOutLossSeries().get(1))).as("the shown results stay").containsExactly(0.8);
    }

    @Test
    void cancelStopsBothRunsAndEachKeepsACheckpoint() throws Exception {
        TrainViewModel vm = tinyVm(new InlineTaskRunner(), null, 20);
        vm.chooseDataset(dataset(12));
        XYChart.Series<Number, Number> vanillaLoss = vm.charts().trainLossSeries().get(0);
        vanillaLoss.getData().addListener((ListChangeListener<XYChart.Data<Number, Number>>) c -> {
            if (vanillaLoss.getData().size() == 2) {
                vm.cancel(); // on the training thread here: the inline runner hands over at once
            }
        });
        vm.start();
        assertThat(vm.stateProperty().get()).isEqualTo(State.IDLE);
        assertThat(vm.statusProperty().get()).startsWith("Cancelled");
        // the runs alternate one step at a time here: vanilla 1, immiscible 1, vanilla 2 (cancel)
        assertThat(xs(vanillaLoss)).containsExactly(1, 2);
        assertThat(xs(vm.charts().trainLossSeries().get(1))).containsExactly(1);
        assertThat(dir.resolve("runs/vanilla/checkpoint.bin")).isRegularFile();
        assertThat(dir.resolve("runs/immiscible/checkpoint.bin")).isRegularFile();
        assertThat(vm.canStart().get()).isTrue();
        vm.dispose();
    }

    /** Background work on its own thread, UI hand-over inline on the calling thread. */
    private static final class ThreadTasks implements TaskRunner {
        @Override
        public <T> void submit(Callable<T> work, Consumer<? super T> onSuccess, Consumer<? super Exception> onFailure) {
            Thread t = new Thread(() -> new InlineTaskRunner().submit(work, onSuccess, onFailure), "test-train");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void onUi(Runnable action) {
            action.run();
        }

        @Override
        public Cancellable schedule(java.time.Duration delay, Runnable action) {
            throw new UnsupportedOperationException("the Train tab schedules nothing");
        }
    }

    @Test
    void pauseHaltsAfterTheCurrentStepAndResumeFinishesBothRuns() throws Exception {
        TrainViewModel vm = tinyVm(new ThreadTasks(), null, 4);
        CountDownLatch loaded = new CountDownLatch(1);
        javafx.beans.binding.BooleanBinding canStart = vm.canStart();
        canStart.addListener((o, a, b) -> {
            if (b) {
                loaded.countDown();
            }
        });
        vm.chooseDataset(dataset(12)); // loads on the test-train thread
        assertThat(loaded.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(vm.imageCountProperty().get()).isEqualTo(12);
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        List<State> states = new ArrayList<>();
        vm.stateProperty().addListener((o, a, s) -> {
            states.add(s);
            if (s == State.PAUSED) {
                paused.countDown();
            } else if (s == State.IDLE) {
                done.countDown();
            }
        });
        XYChart.Series<Number, Number> vanillaLoss = vm.charts().trainLossSeries().get(0);
        vanillaLoss.getData().addListener((ListChangeListener<XYChart.Data<Number, Number>>) c -> {
            if (vanillaLoss.getData().size() == 2 && !vm.canResume().get()) {
                vm.pause();
            }
        });
        vm.start();
        assertThat(paused.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(vm.canResume().get()).isTrue();
        assertThat(vm.canPause().get()).isFalse();
        // paused while the vanilla run finished step 2: the immiscible run halts before its step 2
        assertThat(vm.statusProperty().get()).isEqualTo("Immiscible paused after step 1.");
        assertThat(xs(vanillaLoss)).containsExactly(1, 2);
        assertThat(xs(vm.charts().trainLossSeries().get(1))).containsExactly(1);
        vm.resume();
        assertThat(done.await(120, TimeUnit.SECONDS)).isTrue();
        assertThat(vm.errorProperty().get()).isEmpty();
        assertThat(xs(vanillaLoss)).containsExactly(1, 2, 3, 4);
        assertThat(xs(vm.charts().trainLossSeries().get(1))).containsExactly(1, 2, 3, 4);
        assertThat(states).containsSubsequence(State.TRAINING, State.PAUSED, State.TRAINING, State.IDLE);
        vm.dispose();
    }

    @Test
    void pauseAndResumeWorkWithSeveralSeeds() throws Exception {
        TrainViewModel vm = tinyVm(new ThreadTasks(), null, 3);
        vm.form().seedsProperty().set(2);
        CountDownLatch loaded = new CountDownLatch(1);
        javafx.beans.binding.BooleanBinding canStart = vm.canStart();
        canStart.addListener((o, a, b) -> {
            if (b) {
                loaded.countDown();
            }
        });
        vm.chooseDataset(dataset(12));
        assertThat(loaded.await(60, TimeUnit.SECONDS)).isTrue();
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        vm.stateProperty().addListener((o, a, s) -> {
            if (s == State.PAUSED) {
                paused.countDown();
            } else if (s == State.IDLE) {
                done.countDown();
            }
        });
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        vm.progressProperty().addListener((o, a, p) -> {
            // 2 VAE steps + 4 runs x 3 UNet steps: pause (once) when the UNet runs have begun
            if (p.doubleValue() > 3 / 14.0 && vm.canPause().get() && once.compareAndSet(false, true)) {
                vm.pause();
            }
        });
        vm.start();
        assertThat(paused.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(vm.statusProperty().get()).contains("(seed 1").contains("paused after step");
        int shown = vm.charts().trainLossSeries().stream().mapToInt(s -> s.getData().size()).sum();
        assertThat(shown).as("4 runs x 3 steps are not all done while paused").isLessThan(12);
        vm.resume();
        assertThat(done.await(120, TimeUnit.SECONDS)).isTrue();
        assertThat(vm.errorProperty().get()).isEmpty();
        for (int i = 0; i < 4; i++) {
            assertThat(xs(vm.charts().trainLossSeries().get(i))).containsExactly(1, 2, 3);
        }
        assertThat(xs(vm.charts().mean(vm.charts().trainLossSeries(), Run.IMMISCIBLE))).containsExactly(1, 2, 3);
        vm.dispose();
    }

    @Test
    void exportWritesAModelFolderTheContractAcceptsAndUseLiveHandsItOver() throws Exception {
        List<Path> handed = new ArrayList<>();
        LiveModelTarget live = folder -> {
            handed.add(folder);
            return CompletableFuture.completedFuture(null);
        };
        TrainViewModel vm = tinyVm(new InlineTaskRunner(), live, 2);
        vm.chooseDataset(dataset(12));
        assertThat(vm.canExport().get()).isFalse();
        vm.start();
        assertThat(vm.canUseLive().get()).isFalse();
        vm.exportRunProperty().set(Run.IMMISCIBLE);
        vm.export();
        assertThat(vm.errorProperty().get()).isEmpty();
        Path model = vm.exportedModelProperty().get();
        assertThat(model).isEqualTo(dir.resolve("runs/model-immiscible"));
        ModelFolder.Report report = ModelFolder.check(model);
        assertThat(report.ok()).as(report.message()).isTrue();
        assertThat(vm.canUseLive().get()).isTrue();
        vm.useLive();
        assertThat(handed).containsExactly(model);
        assertThat(vm.statusProperty().get()).contains("now runs model-immiscible");
        vm.dispose();
    }

    @Test
    void aFailingLiveLoadShowsItsMessage() throws Exception {
        LiveModelTarget live = folder -> CompletableFuture.failedFuture(new java.io.IOException(folder + ": unet signature mismatch"));
        TrainViewModel vm = tinyVm(new InlineTaskRunner(), live, 1);
        vm.chooseDataset(dataset(12));
        vm.form().assignmentProperty().set(TrainForm.AssignmentChoice.NONE);
        vm.start();
        assertThat(vm.charts().trainLossSeries().get(1).getData()).as("assignment none trains only the vanilla run").isEmpty();
        vm.exportRunProperty().set(Run.VANILLA);
        vm.export();
        vm.useLive();
        assertThat(vm.errorProperty().get()).contains("could not load").contains("unet signature mismatch");
        vm.dispose();
    }

    @Test
    void aDivergedRunIsReportedAndItsNaNLossesStayOffTheChart() throws Exception {
        TrainBackend engine = TrainBackend.engine();
        // the engine, except that the immiscible run reports a NaN loss from step 2 on
        TrainBackend diverging = new TrainBackend() {
            @Override
            public dev.streamcanvas.engine.train.ImageFolder loadDataset(Path d, int size,
                    dev.streamcanvas.engine.train.ImageFolder.LoadProgress p) throws java.io.IOException {
                return engine.loadDataset(d, size, p);
            }

            @Override
            public dev.streamcanvas.engine.train.Trainer newTrainer(dev.streamcanvas.engine.train.TrainConfig cfg,
                    dev.streamcanvas.engine.train.ImageFolder data, dev.streamcanvas.engine.train.TrainListener l)
                    throws java.io.IOException {
                if (cfg.assignment() == dev.streamcanvas.engine.assign.NoiseAssignment.Mode.NONE) {
                    return engine.newTrainer(cfg, data, l);
                }
                return engine.newTrainer(cfg, data, new dev.streamcanvas.engine.train.TrainListener() {
                    @Override
                    public void onStep(Stage stage, int step, int total, double loss, double ms, double sps) {
                        l.onStep(stage, step, total, step >= 2 ? Double.NaN : loss, ms, sps);
                    }
                });
            }

            @Override
            public void export(dev.streamcanvas.engine.train.Trainer t, Path d) throws java.io.IOException {
                engine.export(t, d);
            }
        };
        TrainViewModel vm = new TrainViewModel(new InlineTaskRunner(), diverging, null, dir.resolve("runs"));
        vm.form().modelPresetProperty().set(vm.form().modelPresets().get(2));
        vm.form().stepsProperty().set("3");
        vm.form().vaeStepsProperty().set("2");
        vm.form().batchProperty().set("4");
        vm.chooseDataset(dataset(12));
        vm.start();
        assertThat(vm.errorProperty().get()).isEqualTo("The immiscible run diverged at step 2 (loss is NaN); try a lower learning rate.");
        assertThat(xs(vm.charts().trainLossSeries().get(1))).containsExactly(1);
        assertThat(xs(vm.charts().trainLossSeries().get(0))).containsExactly(1, 2, 3);
        vm.dispose();
    }

    @Test
    void aBadFieldIsNamedAndNothingStarts() throws Exception {
        TrainViewModel vm = tinyVm(new InlineTaskRunner(), null, 2);
        vm.chooseDataset(dataset(6));
        vm.form().stepsProperty().set("many");
        vm.start();
        assertThat(vm.errorProperty().get()).contains("Steps").contains("'many'");
        vm.form().stepsProperty().set("2");
        vm.form().learningRateProperty().set("-1");
        vm.start();
        assertThat(vm.errorProperty().get()).contains("Learning rate");
        vm.form().learningRateProperty().set("0.001");
        vm.form().assignmentProperty().set(TrainForm.AssignmentChoice.KNN);
        vm.form().knnKProperty().set("0");
        vm.start();
        assertThat(vm.errorProperty().get()).contains("k must be at least 1");
        assertThat(vm.stateProperty().get()).isEqualTo(State.IDLE);
        assertThat(vm.charts().trainLossSeries().get(0).getData()).isEmpty();
        assertThat(dir.resolve("runs")).doesNotExist();
    }

    @Test
    void newDemoDrawsOtherPointsAndTheImmisciblePairingIsNeverLonger() {
        TrainViewModel vm = tinyVm(new InlineTaskRunner(), null, 2);
        var first = vm.demoProperty().get();
        vm.newDemo();
        var second = vm.demoProperty().get();
        assertThat(second.points()).isNotEqualTo(first.points());
        assertThat(second.points()).hasSize(2 * TrainViewModel.DEMO_POINTS);
        assertThat(second.immiscibleCost()).isLessThanOrEqualTo(second.vanillaCost());
    }

    @Test
    void disposeWhileTrainingReleasesTheTrainersOnceTheRunHasStopped() throws Exception {
        TrainBackend engine = TrainBackend.engine();
        List<dev.streamcanvas.engine.train.Trainer> made = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch training = new CountDownLatch(1);
        TrainBackend recording = new TrainBackend() {
            @Override
            public dev.streamcanvas.engine.train.ImageFolder loadDataset(Path d, int size,
                    dev.streamcanvas.engine.train.ImageFolder.LoadProgress p) throws java.io.IOException {
                return engine.loadDataset(d, size, p);
            }

            @Override
            public dev.streamcanvas.engine.train.Trainer newTrainer(dev.streamcanvas.engine.train.TrainConfig cfg,
                    dev.streamcanvas.engine.train.ImageFolder data, dev.streamcanvas.engine.train.TrainListener l)
                    throws java.io.IOException {
                dev.streamcanvas.engine.train.Trainer t = engine.newTrainer(cfg, data,
                        new dev.streamcanvas.engine.train.TrainListener() {
                            @Override
                            public void onStep(Stage stage, int step, int total, double loss, double ms, double sps) {
                                l.onStep(stage, step, total, loss, ms, sps);
                                if (stage == Stage.UNET) {
                                    training.countDown();
                                }
                            }
                        });
                made.add(t);
                return t;
            }

            @Override
            public void export(dev.streamcanvas.engine.train.Trainer t, Path d) throws java.io.IOException {
                engine.export(t, d);
            }
        };
        TrainViewModel vm = new TrainViewModel(new ThreadTasks(), recording, null, dir.resolve("runs"));
        vm.form().modelPresetProperty().set(vm.form().modelPresets().get(2));
        vm.form().stepsProperty().set("500");
        vm.form().vaeStepsProperty().set("2");
        vm.form().batchProperty().set("4");
        CountDownLatch loaded = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        vm.stateProperty().addListener((o, a, st) -> {
            if (a == State.LOADING && st == State.IDLE) {
                loaded.countDown();
            } else if (a != State.LOADING && st == State.IDLE) {
                stopped.countDown();
            }
        });
        vm.chooseDataset(dataset(12));
        assertThat(loaded.await(60, TimeUnit.SECONDS)).isTrue();
        vm.start();
        assertThat(training.await(120, TimeUnit.SECONDS)).isTrue();

        vm.dispose(); // the window closes while both runs train

        assertThat(stopped.await(120, TimeUnit.SECONDS)).isTrue();
        assertThat(made).hasSize(2);
        for (dev.streamcanvas.engine.train.Trainer t : made) {
            assertThat(t.unet().params().all().values().iterator().next().isReleased())
                    .as("the trainer's native memory is released").isTrue();
        }
    }
}
