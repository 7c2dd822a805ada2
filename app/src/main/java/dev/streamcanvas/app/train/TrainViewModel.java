package dev.streamcanvas.app.train;

import dev.streamcanvas.app.concurrent.TaskRunner;
import dev.streamcanvas.engine.train.ImageFolder;
import dev.streamcanvas.engine.train.MicroSdConfig;
import dev.streamcanvas.engine.train.OnnxExport;
import dev.streamcanvas.engine.train.PngDecoder;
import dev.streamcanvas.engine.train.TrainConfig;
import dev.streamcanvas.engine.train.TrainListener;
import dev.streamcanvas.engine.train.Trainer;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Train tab: trains the micro diffusion model (vanilla or with immiscible noise assignment) on an image
 * folder on its own thread, shows the progress, exports the result as an ONNX model folder and hands it to
 * the live view. Progress reaches the UI thread coalesced (at most one pending update). UI thread only.
 */
public final class TrainViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(TrainViewModel.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    private final TaskRunner runner;
    private final Consumer<Path> useModel;
    private final Path runsDir;

    private final ObjectProperty<Path> dataFolder = new SimpleObjectProperty<>(this, "dataFolder");
    private final ObjectProperty<TrainConfig.Assignment> assignment = new SimpleObjectProperty<>(this, "assignment",
            TrainConfig.Assignment.EXACT);
    private final IntegerProperty steps = new SimpleIntegerProperty(this, "steps", 1000);
    private final IntegerProperty vaeSteps = new SimpleIntegerProperty(this, "vaeSteps", 600);
    private final IntegerProperty batch = new SimpleIntegerProperty(this, "batch", 32);
    private final IntegerProperty size = new SimpleIntegerProperty(this, "size", 64);
    private final BooleanProperty running = new SimpleBooleanProperty(this, "running");
    private final BooleanProperty paused = new SimpleBooleanProperty(this, "paused");
    private final DoubleProperty progress = new SimpleDoubleProperty(this, "progress");
    private final StringProperty status = new SimpleStringProperty(this, "status", "Not started.");
    private final StringProperty metrics = new SimpleStringProperty(this, "metrics", "");
    private final StringProperty message = new SimpleStringProperty(this, "message");
    private final ObjectProperty<int[]> sample = new SimpleObjectProperty<>(this, "sample"); // ARGB, sampleSize^2
    private final IntegerProperty sampleSize = new SimpleIntegerProperty(this, "sampleSize");
    private final ObjectProperty<Path> exported = new SimpleObjectProperty<>(this, "exported");

    private volatile Trainer trainer;
    private volatile Thread thread;
    // newest progress from the training thread, published to the UI coalesced
    private final AtomicBoolean posted = new AtomicBoolean();
    private volatile String pendingStatus = "";
    private volatile String pendingMetrics = "";
    private volatile double pendingProgress;
    private volatile int[] pendingSample;
    private volatile int pendingSampleSize;

    public TrainViewModel(TaskRunner runner, Consumer<Path> useModel, Path runsDir) {
        this.runner = runner;
        this.useModel = useModel;
        this.runsDir = runsDir;
    }

    /** Starts a run in a new run folder; says why when it cannot. */
    public void start() {
        if (running.get()) {
            return;
        }
        Path data = dataFolder.get();
        if (data == null) {
            message.set("Choose a folder of training images first.");
            return;
        }
        Path run = runsDir.resolve("run-" + LocalDateTime.now().format(STAMP));
        TrainConfig cfg;
        try {
            MicroSdConfig model = new MicroSdConfig(size.get(), 16, 32, 64, 2, 4, 77, 8);
            cfg = new TrainConfig(run, model, assignment.get(), 1, vaeSteps.get(), steps.get(), batch.get(), 1e-3f, 1e-3f, 100, 50,
                    Math.max(100, steps.get() / 4), 64, 600, 20, 1234, null, false);
        } catch (IllegalArgumentException e) {
            message.set("Training settings rejected: " + e.getMessage());
            return;
        }
        message.set(null);
        exported.set(null);
        running.set(true);
        paused.set(false);
        progress.set(-1);
        status.set("Reading images from " + data + " …");
        Thread t = new Thread(() -> train(cfg, data, run), "sc-train");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Training thread. */
    private void train(TrainConfig cfg, Path data, Path run) {
        String outcome;
        Path model = null;
        try {
            ImageFolder folder = ImageFolder.load(data, cfg.model().imageSize(), List.of(new PngDecoder(), new ImageIoDecoder()));
            try (Trainer t = new Trainer(cfg, folder, new Progress())) {
                trainer = t;
                Trainer.Outcome o = t.run();
                if (o == Trainer.Outcome.CANCELLED) {
                    outcome = "Cancelled; the checkpoint is in " + run + ".";
                } else {
                    model = run.resolve("model");
                    OnnxExport.export(t, model);
                    List<double[]> h = t.history();
                    double[] last = h.isEmpty() ? null : h.get(h.size() - 1);
                    outcome = "Done: exported the model to " + model
                            + (last == null ? "." : String.format(Locale.ROOT, " (held-out loss %.4f, Fréchet distance %.3f).", last[1], last[2]));
                }
            } finally {
                trainer = null;
            }
        } catch (Exception | LinkageError e) {
            LOG.warn("training on {} failed", data, e);
            outcome = null;
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            runner.onUi(() -> message.set("Training failed: " + why));
        }
        String done = outcome;
        Path m = model;
        runner.onUi(() -> {
            running.set(false);
            paused.set(false);
            if (done != null) {
                status.set(done);
                progress.set(m != null ? 1 : progress.get());
            } else {
                status.set("Stopped.");
            }
            exported.set(m);
        });
    }

    private final class Progress implements TrainListener {
        private Stage stage = Stage.VAE;

        @Override
        public void onStage(Stage s, int totalSteps) {
            stage = s;
            pendingStatus = label(s) + (totalSteps > 0 ? " (" + totalSteps + " steps)" : "");
            pendingProgress = s == Stage.DONE ? 1 : 0;
            post();
        }

        @Override
        public void onStep(Stage s, int step, int total, double loss, double assignMs, double stepsPerSecond) {
            pendingStatus = String.format(Locale.ROOT, "%s: step %d / %d, %.1f steps/s", label(s), step, total, stepsPerSecond);
            pendingMetrics = String.format(Locale.ROOT, "loss %.4f%s", loss, assignMs > 0 ? String.format(Locale.ROOT, ", assignment %.1f ms", assignMs) : "");
            pendingProgress = total > 0 ? (double) step / total : -1;
            post();
        }

        @Override
        public void onHeldOutLoss(int step, double loss) {
            pendingMetrics = String.format(Locale.ROOT, "held-out loss %.4f at step %d", loss, step);
            post();
        }

        @Override
        public void onQuality(int step, double frechetDistance, float[][] samples, int[][] samplesArgb, int sz) {
            if (samplesArgb.length > 0) {
                pendingSample = samplesArgb[0].clone();
                pendingSampleSize = sz;
            }
            pendingMetrics = String.format(Locale.ROOT, "Fréchet distance %.3f at step %d", frechetDistance, step);
            post();
        }

        private String label(Stage s) {
            switch (s) {
                case VAE:
                    return "Training the VAE";
                case LATENTS:
                    return "Encoding latents";
                case UNET:
                    return "Training the UNet and text encoder";
                default:
                    return "Finishing";
            }
        }
    }

    private void post() {
        if (posted.compareAndSet(false, true)) {
            runner.onUi(() -> {
                posted.set(false);
                status.set(pendingStatus);
                metrics.set(pendingMetrics);
                progress.set(pendingProgress);
                int[] s = pendingSample;
                if (s != null && s != sample.get()) {
                    sampleSize.set(pendingSampleSize);
                    sample.set(s);
                }
            });
        }
    }

    public void togglePause() {
        Trainer t = trainer;
        if (t == null) {
            return;
        }
        if (t.isPaused()) {
            t.resume();
            paused.set(false);
        } else {
            t.pause();
            paused.set(true);
        }
    }

    /** Asks the run to stop after writing a checkpoint. */
    public void cancel() {
        Trainer t = trainer;
        if (t != null) {
            t.cancel();
            status.set("Stopping after the next checkpoint …");
        }
    }

    /** Loads the exported model into the live view. */
    public void useTrainedModel() {
        Path m = exported.get();
        if (m != null) {
            useModel.accept(m);
        }
    }

    /** Cancels a run and waits for it (closing; background thread). */
    public void shutdown() {
        Trainer t = trainer;
        if (t != null) {
            t.cancel();
        }
        Thread th = thread;
        if (th != null) {
            try {
                th.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public ObjectProperty<Path> dataFolderProperty() {
        return dataFolder;
    }

    public ObjectProperty<TrainConfig.Assignment> assignmentProperty() {
        return assignment;
    }

    public IntegerProperty stepsProperty() {
        return steps;
    }

    public IntegerProperty vaeStepsProperty() {
        return vaeSteps;
    }

    public IntegerProperty batchProperty() {
        return batch;
    }

    public IntegerProperty sizeProperty() {
        return size;
    }

    public BooleanProperty runningProperty() {
        return running;
    }

    public BooleanProperty pausedProperty() {
        return paused;
    }

    public DoubleProperty progressProperty() {
        return progress;
    }

    public StringProperty statusProperty() {
        return status;
    }

    public StringProperty metricsProperty() {
        return metrics;
    }

    public StringProperty messageProperty() {
        return message;
    }

    public ObjectProperty<int[]> sampleProperty() {
        return sample;
    }

    public IntegerProperty sampleSizeProperty() {
        return sampleSize;
    }

    public ObjectProperty<Path> exportedProperty() {
        return exported;
    }
}
