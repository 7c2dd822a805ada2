package dev.streamcanvas.app.train;

import dev.streamcanvas.app.concurrent.TaskRunner;
import dev.streamcanvas.engine.assign.AssignmentDemo;
import dev.streamcanvas.engine.train.ImageFolder;
import dev.streamcanvas.engine.train.Measurement;
import dev.streamcanvas.engine.train.RunMetrics;
import dev.streamcanvas.engine.train.SeedComparison;
import dev.streamcanvas.engine.train.SeedStatistics;
import dev.streamcanvas.engine.train.TrainComparison;
import dev.streamcanvas.engine.train.TrainConfig;
import dev.streamcanvas.engine.train.TrainListener;
import dev.streamcanvas.engine.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Train tab's orchestration: choose an image folder, train the {@link TrainForm form}'s setup through
 * {@link TrainComparison} (a vanilla and an immiscible model in turns on one background thread: identical seeds,
 * data order and VAE; only the noise pairing differs) or, with several seeds, {@link SeedComparison} (one such pair
 * per seed, as {@code streamcanvas train --compare MODE --seeds N} does), feed the {@link TrainCharts charts}, export
 * one run to ONNX and hand it to the live app. It also shows the curves of a finished comparison folder read from its
 * metrics files ({@link #openResults}).
 *
 * <p>Everything public is used on the UI thread. Trainer callbacks arrive on the training thread; they are
 * queued and applied in one UI-thread batch at a time (one pending hand-over at most).
 */
public final class TrainViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(TrainViewModel.class);
    static final int THUMBNAILS = 8;
    static final int DEMO_POINTS = 24;

    /** The two runs being compared. */
    public enum Run {
        VANILLA("Vanilla"), IMMISCIBLE("Immiscible");

        private final String label;

        Run(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** What the tab is doing. */
    public enum State { IDLE, LOADING, TRAINING, PAUSED, EXPORTING }

    /** One dataset image for the preview. */
    public record Thumbnail(int[] argb, int size, String caption) {
    }

    private final TaskRunner tasks;
    private final TrainBackend backend;
    private final LiveModelTarget live;
    private final TrainForm form;
    private final TrainCharts charts = new TrainCharts();

    // dataset
    private final ObjectProperty<Path> datasetFolder = new SimpleObjectProperty<>();
    private final IntegerProperty imageCount = new SimpleIntegerProperty();
    private final IntegerProperty skippedCount = new SimpleIntegerProperty();
    private final StringProperty datasetSummary = new SimpleStringProperty("No folder chosen.");
    private final ObservableList<Thumbnail> thumbnails = FXCollections.observableArrayList();
    private ImageFolder dataset;

    // progress
    private final ReadOnlyObjectWrapper<State> state = new ReadOnlyObjectWrapper<>(State.IDLE);
    private final DoubleProperty progress = new SimpleDoubleProperty(0);
    private final StringProperty status = new SimpleStringProperty("Choose an image folder to train on.");
    private final StringProperty error = new SimpleStringProperty("");
    private final ObjectProperty<Run> activeRun = new SimpleObjectProperty<>();
    private final IntegerProperty activeStep = new SimpleIntegerProperty();
    private final BooleanProperty pauseRequested = new SimpleBooleanProperty();

    // export
    private final ObjectProperty<Run> exportRun = new SimpleObjectProperty<>(Run.IMMISCIBLE);
    private final ObjectProperty<Path> exportedModel = new SimpleObjectProperty<>();
    private final BooleanProperty liveLoading = new SimpleBooleanProperty();
    private Runs comparison; // the last run's trainers (for export); closed on the next start or dispose
    private final BooleanProperty[] exportable = {new SimpleBooleanProperty(), new SimpleBooleanProperty()};

    // assignment demo
    private final ObjectProperty<AssignmentDemo.Mapping> demo = new SimpleObjectProperty<>();
    private long demoSeed = 7;

    // training thread <-> UI thread
    private final Queue<Runnable> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicReference<Runnable> latestProgress = new AtomicReference<>();
    private volatile boolean cancelRequested;
    private volatile boolean pauseWanted;
    private volatile boolean disposed;
    private volatile Runs active; // while a run trains
    private int[] progressSteps = new int[3]; // training thread only: VAE steps, then per seed vanilla, immiscible UNet steps

    private final BooleanBinding idle;

    /**
     * @param tasks       background work and UI hand-over (a training run holds one worker for its whole length,
     *                    so the app gives the tab a runner of its own)
     * @param backend     dataset loading, trainers and export
     * @param live        where "Use this model live" sends the exported folder; null when there is no live view
     * @param outputRoot  default folder for the run folders and the exported model
     */
    public TrainViewModel(TaskRunner tasks, TrainBackend backend, LiveModelTarget live, Path outputRoot) {
        this.tasks = Objects.requireNonNull(tasks, "tasks");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.live = live;
        this.form = new TrainForm(outputRoot);
        idle = state.isEqualTo(State.IDLE);
        demo.set(AssignmentDemo.create(DEMO_POINTS, demoSeed));
    }

    // ------------------------------------------------------------------ dataset

    /** Loads the folder in the background (progress, cancellable) and shows its count and a few images. */
    public void chooseDataset(Path folder) {
        if (!idle.get() || folder == null) {
            return;
        }
        int size = form.modelPresetProperty().get().config().imageSize();
        cancelRequested = false;
        error.set("");
        setState(State.LOADING);
        progress.set(0);
        status.set("Reading " + folder.getFileName() + " …");
        tasks.submit(() -> backend.loadDataset(folder, size, this::loadProgress), data -> {
            setDataset(data);
            datasetFolder.set(folder);
            setState(State.IDLE);
            progress.set(0);
            status.set("Ready to train on " + data.size() + " images.");
        }, e -> {
            setState(State.IDLE);
            progress.set(0);
            if (e instanceof CancellationException) {
                status.set("Loading cancelled.");
            } else {
                fail("Could not read the dataset", e);
            }
        });
    }

    private boolean loadProgress(int done, int total) {
        postProgress(() -> {
            progress.set(total == 0 ? -1 : (double) done / total);
            status.set("Reading images " + done + " / " + total + " …");
        });
        return !cancelRequested;
    }

    private void setDataset(ImageFolder data) {
        dataset = data;
        imageCount.set(data.size());
        skippedCount.set(data.skipped());
        datasetSummary.set(data.size() + " images" + (data.skipped() > 0
                ? ", " + data.skipped() + " skipped (unreadable or corrupt)" : ", none skipped"));
        List<Thumbnail> t = new ArrayList<>();
        int shown = Math.min(THUMBNAILS, data.size());
        for (int k = 0; k < shown; k++) {
            int i = k * data.size() / shown; // spread over the (name-sorted) folder
            t.add(new Thumbnail(ImageFolder.toArgb(data.image(i), data.imageSize()), data.imageSize(), data.caption(i)));
        }
        thumbnails.setAll(t);
    }

    // ------------------------------------------------------------------ training

    /** Checks the configuration and trains both runs in the background; a bad field is named in {@link #errorProperty()}. */
    public void start() {
        if (!idle.get()) {
            return;
        }
        error.set("");
        if (datasetFolder.get() == null) {
            error.set("Choose an image folder first.");
            return;
        }
        TrainForm.Setup setup;
        try {
            setup = form.setup();
        } catch (IllegalArgumentException e) {
            error.set(e.getMessage());
            return;
        }
        String refusal = setup.severalSeeds() ? refusal(setup.base().outDir()) : null;
        if (refusal != null) {
            error.set(refusal);
            return;
        }
        closeTrainers();
        charts.reset(setup.seeds());
        exportedModel.set(null);
        cancelRequested = false;
        pauseWanted = false;
        pauseRequested.set(false);
        setState(State.TRAINING);
        progress.set(0);
        status.set("Starting …");
        Path folder = datasetFolder.get();
        ImageFolder loaded = dataset;
        tasks.submit(() -> train(setup, folder, loaded), this::finished, e -> {
            if (disposed) {
                closeTrainers();
            }
            setState(State.IDLE);
            activeRun.set(null);
            if (e instanceof CancellationException) {
                status.set("Cancelled.");
            } else {
                fail("Training stopped", e);
            }
        });
    }

    /**
     * Why several seeds cannot start in {@code out}, or null: as the CLI's {@code train --seeds}, a folder that already
     * holds a multi-seed comparison (its {@code comparison.json} or {@code seed-S} folders) is not replaced.
     */
    static String refusal(Path out) {
        try {
            if (!RunMetrics.isSeedFolder(out)) {
                return null;
            }
        } catch (IOException e) {
            return "Could not check the output folder " + out + ": " + e.getMessage();
        }
        return out + " already holds a multi-seed comparison (" + SeedComparison.MANIFEST + " or seed-S folders): "
                + "choose another output folder (Open results… shows its curves).";
    }

    /**
     * The training thread: (re)load the data at the model's size, then run the setup through
     * {@link TrainComparison} (one seed) or {@link SeedComparison} (several) in turns of {@link #chunk} UNet steps (the
     * first vanilla run trains the shared VAE first), so all curves grow together. After a {@link #dispose} the
     * trainers are closed here, when the run has stopped.
     */
    private Trainer.Outcome train(TrainForm.Setup setup, Path folder, ImageFolder loaded) throws Exception {
        int size = setup.base().model().imageSize();
        ImageFolder data = loaded;
        if (data == null || data.imageSize() != size) {
            data = backend.loadDataset(folder, size, this::loadProgress);
            ImageFolder reloaded = data;
            post(() -> setDataset(reloaded));
        }
        if (cancelRequested) {
            return Trainer.Outcome.CANCELLED;
        }
        progressSteps = new int[1 + 2 * setup.seeds().size()];
        List<Long> seeds = setup.seeds();
        Runs c = setup.severalSeeds()
                ? new Runs(new SeedComparison(setup.base(), setup.mode(), setup.k(), seeds, data,
                        (seed, name) -> new Listener(run(name), seeds.indexOf(seed), setup), backend::newTrainer))
                : new Runs(new TrainComparison(setup.plan(), data, name -> new Listener(run(name), 0, setup),
                        backend::newTrainer));
        post(() -> comparison = c);
        active = c;
        if (pauseWanted) {
            c.pause();
        }
        if (cancelRequested) {
            c.cancel();
        }
        try {
            return c.run(chunk(setup.base()));
        } finally {
            active = null;
            List<Trainer> ts = c.first().trainers();
            for (int i = 0; i < ts.size(); i++) {
                Trainer t = ts.get(i);
                int idx = i;
                boolean usable = !Float.isNaN(t.scalingFactor()) && t.unetStepsDone() > 0;
                post(() -> exportable[idx].set(usable));
            }
            if (disposed) {
                c.close(); // the window is gone: release the native memory now that the run has stopped
            }
        }
    }

    private static Run run(String name) {
        return TrainComparison.VANILLA.equals(name) ? Run.VANILLA : Run.IMMISCIBLE;
    }

    /** UNet steps per turn: small enough that both curves grow together, large enough to keep turns cheap. */
    static int chunk(TrainConfig cfg) {
        return Math.max(1, Math.min(Math.min(25, cfg.evalEvery()), cfg.steps() / 20));
    }

    private void finished(Trainer.Outcome outcome) {
        if (disposed) {
            closeTrainers();
        }
        setState(State.IDLE);
        activeRun.set(null);
        pauseRequested.set(false);
        if (outcome == Trainer.Outcome.CANCELLED) {
            status.set("Cancelled; checkpoints are in " + form.outputFolderProperty().get() + ".");
            return;
        }
        progress.set(1);
        if (comparison != null && comparison.seeds != null) {
            status.set(meanSummary(comparison.seeds.comparisons()));
            return;
        }
        StringBuilder sb = new StringBuilder("Done.");
        for (Run r : Run.values()) {
            Trainer t = trainer(r);
            if (t != null && !t.history().isEmpty()) {
                Measurement last = t.history().get(t.history().size() - 1);
                sb.append(String.format(Locale.ROOT, " %s: held-out loss %.4f, FD %.3f.", r, last.heldOutLoss(),
                        last.frechetDistance()));
            }
        }
        status.set(sb.toString());
    }

    /** "Done." with each run's last mean held-out loss and FD across the seeds (as the charts' bold curves end). */
    private static String meanSummary(List<TrainComparison> seeds) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "Done: %d seeds; the mean across seeds ends at",
                seeds.size()));
        for (Run r : Run.values()) {
            SeedStatistics.Point loss = lastMean(seeds, r, Measurement::heldOutLoss);
            SeedStatistics.Point fd = lastMean(seeds, r, Measurement::frechetDistance);
            sb.append(String.format(Locale.ROOT, "%s %s: held-out loss %s, FD %s", r == Run.VANILLA ? "" : ";", r,
                    loss == null ? "none" : String.format(Locale.ROOT, "%.4f", loss.value()),
                    fd == null ? "none" : String.format(Locale.ROOT, "%.3f", fd.value())));
        }
        return sb.append('.').toString();
    }

    private static SeedStatistics.Point lastMean(List<TrainComparison> seeds, Run run, ToDoubleFunction<Measurement> column) {
        List<List<SeedStatistics.Point>> curves = new ArrayList<>();
        for (TrainComparison c : seeds) {
            Trainer t = run == Run.VANILLA ? c.vanilla() : c.immiscible();
            curves.add(SeedStatistics.curve(t.history(), column));
        }
        return SeedStatistics.last(SeedStatistics.meanCurve(curves));
    }

    /** Halts after the current step (the state turns PAUSED when the trainer has halted). */
    public void pause() {
        if (state.get() != State.TRAINING) {
            return;
        }
        pauseWanted = true;
        pauseRequested.set(true);
        status.set("Pausing after this step …");
        Runs c = active;
        if (c != null) {
            c.pause();
        }
    }

    public void resume() {
        if (!pauseRequested.get()) {
            return;
        }
        pauseWanted = false;
        pauseRequested.set(false);
        Runs c = active;
        if (c != null) {
            c.resume();
        }
        if (state.get() == State.PAUSED) {
            setState(State.TRAINING);
        }
        status.set("Resuming …");
    }

    /** Stops loading or training (a trainer writes its checkpoint first). */
    public void cancel() {
        State s = state.get();
        if (s != State.LOADING && s != State.TRAINING && s != State.PAUSED) {
            return;
        }
        cancelRequested = true;
        status.set("Cancelling …");
        Runs c = active;
        if (c != null) {
            c.cancel();
        }
    }

    // ------------------------------------------------------------------ export and live

    /** Exports the chosen run to an ONNX model folder under the output folder and checks it. */
    public void export() {
        Run run = exportRun.get();
        Trainer t = trainer(run);
        if (!idle.get() || t == null || !exportable[run.ordinal()].get()) {
            return;
        }
        Path dir = form.outputFolderProperty().get().resolve("model-" + run.name().toLowerCase(Locale.ROOT));
        String what = comparison.seeds == null ? run.toString() : "first seed's " + run.toString().toLowerCase(Locale.ROOT);
        error.set("");
        setState(State.EXPORTING);
        progress.set(-1);
        status.set("Exporting the " + what + " model to ONNX …");
        tasks.submit(() -> {
            backend.export(t, dir);
            return dir;
        }, d -> {
            setState(State.IDLE);
            progress.set(1);
            exportedModel.set(d);
            status.set("Exported " + what + " model to " + d + ".");
        }, e -> {
            setState(State.IDLE);
            progress.set(0);
            fail("Export failed", e);
        });
    }

    /** Hands the exported folder to the live view. */
    public void useLive() {
        Path dir = exportedModel.get();
        if (dir == null || live == null || liveLoading.get()) {
            return;
        }
        liveLoading.set(true);
        status.set("Loading " + dir.getFileName() + " into the live view …");
        live.loadModelFolder(dir).whenComplete((ok, e) -> tasks.onUi(() -> {
            liveLoading.set(false);
            if (e != null) {
                fail("The live view could not load the model",
                        e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e);
            } else {
                status.set("The live view now runs " + dir.getFileName() + ".");
            }
        }));
    }

    // ------------------------------------------------------------------ results of an earlier comparison

    /**
     * Shows the curves of a comparison folder from its metrics files, read-only: a multi-seed folder as the CLI's
     * {@code train --compare MODE --seeds N --out DIR} writes it ({@code seed-S/{vanilla,immiscible}/metrics.csv}),
     * or a single comparison ({@code vanilla/metrics.csv} and, when there, {@code immiscible/metrics.csv}).
     */
    public void openResults(Path folder) {
        if (!idle.get() || folder == null) {
            return;
        }
        error.set("");
        status.set("Reading the metrics in " + folder + " …");
        tasks.submit(() -> readResults(folder), runs -> {
            if (!idle.get()) {
                return; // a run started meanwhile: its charts win
            }
            closeTrainers();
            exportedModel.set(null);
            progress.set(0);
            charts.show(runs);
            int n = runs.size();
            status.set(n > 1 ? "Showing " + folder + ": " + n + " seeds (read-only; samples are in the run folders)."
                    : "Showing " + folder + " (read-only; samples are in the run folders).");
        }, e -> fail("Could not open the results", e));
    }

    /** The runs of a comparison folder, one entry per seed (a single comparison is one entry, seed 0). */
    static List<RunMetrics.SeedRuns> readResults(Path folder) throws IOException {
        if (RunMetrics.isSeedFolder(folder)) {
            return RunMetrics.readSeeds(folder);
        }
        Path vanilla = folder.resolve(TrainComparison.VANILLA).resolve("metrics.csv");
        Path immiscible = folder.resolve(TrainComparison.IMMISCIBLE).resolve("metrics.csv");
        if (!Files.exists(vanilla)) {
            throw new IOException(folder + " holds neither seed-S folders nor " + TrainComparison.VANILLA
                    + "/metrics.csv: choose the --out folder of a comparison");
        }
        return List.of(new RunMetrics.SeedRuns(0, RunMetrics.read(vanilla),
                Files.exists(immiscible) ? RunMetrics.read(immiscible) : List.of()));
    }

    // ------------------------------------------------------------------ demo

    /** Draws new points and noises for the 2-D picture. */
    public void newDemo() {
        demoSeed++;
        demo.set(AssignmentDemo.create(DEMO_POINTS, demoSeed));
    }

    // ------------------------------------------------------------------ listener (training thread)

    private final class Listener implements TrainListener {
        private final Run run;
        private final int seedIndex;
        private final int idx; // into progressSteps
        private final String name; // "Vanilla", or with several seeds "Vanilla (seed 1235)"
        private final TrainForm.Setup setup;
        private final int runs; // how many runs train in turns
        private final int stride;
        private double lossSum;
        private double msSum;
        private boolean diverged;
        private int n;

        Listener(Run run, int seedIndex, TrainForm.Setup setup) {
            this.run = run;
            this.seedIndex = seedIndex;
            this.idx = 1 + 2 * seedIndex + run.ordinal();
            this.name = setup.severalSeeds() ? run + " (seed " + setup.seeds().get(seedIndex) + ")" : run.toString();
            this.setup = setup;
            this.runs = setup.runCount();
            this.stride = TrainCharts.stride(setup.base().steps());
        }

        @Override
        public void onStage(Stage stage, int totalSteps) {
            if (stage == Stage.LATENTS) {
                postProgress(() -> status.set(name + ": encoding the training images to latents …"));
            }
        }

        @Override
        public void onStep(Stage stage, int step, int total, double loss, double ms, double sps) {
            // the VAE stage runs once (the first vanilla run); the UNet stages of all runs alternate
            int[] done = progressSteps;
            done[stage == Stage.VAE ? 0 : idx] = step;
            int sum = Arrays.stream(done).sum();
            int totalSteps = setup.totalSteps();
            double frac = (double) sum / Math.max(1, totalSteps);
            double rate = stage == Stage.UNET ? runs * sps : sps;
            long eta = rate > 0 ? Math.round((totalSteps - sum) / rate) : 0;
            String text = String.format(Locale.ROOT, "%s · %s step %d / %d · %.1f steps/s · ETA %d:%02d:%02d · loss %.4f",
                    name, stage == Stage.VAE ? "VAE" : "UNet", step, total, rate, eta / 3600, eta / 60 % 60, eta % 60, loss);
            postProgress(() -> {
                progress.set(frac);
                status.set(text);
                activeRun.set(run);
                activeStep.set(step);
            });
            if (stage != Stage.UNET) {
                return;
            }
            if (!Double.isFinite(loss)) {
                // NaN/Inf would also break the chart's axis range: leave the points out and say what happened
                if (!diverged) {
                    diverged = true;
                    post(() -> error.set(String.format(Locale.ROOT, "The %s run diverged at step %d (loss is %s); "
                            + "try a lower learning rate.", name.toLowerCase(Locale.ROOT), step, loss)));
                }
                return;
            }
            lossSum += loss;
            msSum += ms;
            n++;
            if (n > 0 && (n == stride || step == total)) {
                double l = lossSum / n;
                double m = msSum / n;
                lossSum = 0;
                msSum = 0;
                n = 0;
                post(() -> charts.addStep(seedIndex, run, step, l, m));
            }
        }

        @Override
        public void onHeldOutLoss(int step, double loss) {
            if (Double.isFinite(loss)) {
                post(() -> charts.addHeldOutLoss(seedIndex, run, step, loss));
            }
        }

        @Override
        public void onQuality(int step, double fd, float[][] s, int[][] argb, int size) {
            TrainCharts.SampleGrid grid = new TrainCharts.SampleGrid(run, step, size, List.of(argb));
            post(() -> charts.addQuality(seedIndex, run, step, fd, grid));
        }

        @Override
        public void onPaused(Stage stage, int stepsDone) {
            post(() -> {
                if (state.get() == State.TRAINING) {
                    status.set(name + " paused after step " + stepsDone + ".");
                    setState(State.PAUSED);
                }
            });
        }

        @Override
        public void onResumed(Stage stage, int stepsDone) {
            post(() -> {
                if (state.get() == State.PAUSED) {
                    setState(State.TRAINING);
                }
            });
        }
    }

    /** Queues a UI update; at most one hand-over to the UI thread is pending at any time. */
    private void post(Runnable update) {
        pending.add(update);
        scheduleDrain();
    }

    /** Like {@link #post} for progress text: only the newest one is applied. */
    private void postProgress(Runnable update) {
        latestProgress.set(update);
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            tasks.onUi(this::drain);
        }
    }

    private void drain() {
        drainScheduled.set(false);
        Runnable r;
        while ((r = pending.poll()) != null) {
            r.run();
        }
        Runnable p = latestProgress.getAndSet(null);
        if (p != null && (state.get() == State.TRAINING || state.get() == State.LOADING)) {
            p.run();
        }
    }

    // ------------------------------------------------------------------ helpers

    private void setState(State s) {
        state.set(s);
    }

    private void fail(String what, Throwable e) {
        String msg = e.getMessage();
        if (msg == null && e.getCause() != null) {
            msg = e.getCause().getMessage();
        }
        if (msg == null) {
            msg = e.getClass().getSimpleName();
        }
        LOG.warn("{}: {}", what, msg, e);
        error.set(what + ": " + msg);
        status.set(what + ".");
    }

    /** The trainer of {@code run} in the last comparison (with several seeds: the first seed's), or null. */
    private Trainer trainer(Run run) {
        if (comparison == null) {
            return null;
        }
        TrainComparison first = comparison.first();
        return run == Run.VANILLA ? first.vanilla() : first.immiscible();
    }

    /**
     * The trainers of one start: a {@link TrainComparison} (one seed) or a {@link SeedComparison} (several); the
     * controls go to whichever it is. Control methods may be called from any thread.
     */
    private static final class Runs implements AutoCloseable {
        private final TrainComparison single; // null with several seeds
        private final SeedComparison seeds; // null with one seed

        Runs(TrainComparison single) {
            this.single = single;
            this.seeds = null;
        }

        Runs(SeedComparison seeds) {
            this.single = null;
            this.seeds = seeds;
        }

        Trainer.Outcome run(int chunk) throws IOException {
            return seeds == null ? single.run(chunk) : seeds.run(chunk);
        }

        /** The comparison of the only or the first seed. */
        TrainComparison first() {
            return seeds == null ? single : seeds.comparisons().get(0);
        }

        void pause() {
            if (seeds == null) {
                single.pause();
            } else {
                seeds.pause();
            }
        }

        void resume() {
            if (seeds == null) {
                single.resume();
            } else {
                seeds.resume();
            }
        }

        void cancel() {
            if (seeds == null) {
                single.cancel();
            } else {
                seeds.cancel();
            }
        }

        @Override
        public void close() {
            if (seeds == null) {
                single.close();
            } else {
                seeds.close();
            }
        }
    }

    private void closeTrainers() {
        if (comparison != null) {
            comparison.close();
            comparison = null;
        }
        for (BooleanProperty e : exportable) {
            e.set(false);
        }
    }

    /**
     * Call when the window closes: stops a run without waiting; the trainers' native memory is released at once
     * when idle, else by the training thread as soon as the run has stopped (its checkpoints written).
     */
    public void dispose() {
        disposed = true;
        cancel();
        if (idle.get()) {
            closeTrainers();
        }
    }

    // ------------------------------------------------------------------ properties

    /** The configuration form. */
    public TrainForm form() {
        return form;
    }

    /** The curves and sample grids. */
    public TrainCharts charts() {
        return charts;
    }

    public ReadOnlyObjectProperty<State> stateProperty() {
        return state.getReadOnlyProperty();
    }

    public BooleanBinding canStart() {
        return idle.and(datasetFolder.isNotNull());
    }

    public BooleanBinding canPause() {
        return state.isEqualTo(State.TRAINING).and(pauseRequested.not());
    }

    public BooleanBinding canResume() {
        return pauseRequested.and(state.isNotEqualTo(State.IDLE));
    }

    public BooleanBinding canCancel() {
        return state.isEqualTo(State.LOADING).or(state.isEqualTo(State.TRAINING)).or(state.isEqualTo(State.PAUSED));
    }

    public BooleanBinding canExport() {
        return idle.and(Bindings.createBooleanBinding(() -> exportRun.get() != null
                && exportable[exportRun.get().ordinal()].get(), exportRun, exportable[0], exportable[1]));
    }

    public BooleanBinding canUseLive() {
        return idle.and(exportedModel.isNotNull()).and(liveLoading.not())
                .and(Bindings.createBooleanBinding(() -> live != null));
    }

    public BooleanBinding canEditConfig() {
        return idle;
    }

    public boolean hasLiveTarget() {
        return live != null;
    }

    public ObjectProperty<Path> datasetFolderProperty() {
        return datasetFolder;
    }

    public IntegerProperty imageCountProperty() {
        return imageCount;
    }

    public IntegerProperty skippedCountProperty() {
        return skippedCount;
    }

    public StringProperty datasetSummaryProperty() {
        return datasetSummary;
    }

    public ObservableList<Thumbnail> thumbnails() {
        return thumbnails;
    }

    public DoubleProperty progressProperty() {
        return progress;
    }

    public StringProperty statusProperty() {
        return status;
    }

    public StringProperty errorProperty() {
        return error;
    }

    public ObjectProperty<Run> activeRunProperty() {
        return activeRun;
    }

    /** The active run's step within its current stage. */
    public IntegerProperty activeStepProperty() {
        return activeStep;
    }

    public ObjectProperty<Run> exportRunProperty() {
        return exportRun;
    }

    public ObjectProperty<Path> exportedModelProperty() {
        return exportedModel;
    }

    public ObjectProperty<AssignmentDemo.Mapping> demoProperty() {
        return demo;
    }
}
