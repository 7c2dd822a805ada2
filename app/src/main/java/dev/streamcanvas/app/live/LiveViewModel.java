package dev.streamcanvas.app.live;

import dev.streamcanvas.app.concurrent.Debouncer;
import dev.streamcanvas.app.concurrent.TaskRunner;
import dev.streamcanvas.app.frame.Frame;
import dev.streamcanvas.app.frame.RateMeter;
import dev.streamcanvas.app.generate.GenerateViewModel;
import dev.streamcanvas.app.generate.Resolution;
import dev.streamcanvas.app.input.CanvasViewModel;
import dev.streamcanvas.app.input.InputViewModel;
import dev.streamcanvas.app.input.SourceFactory;
import dev.streamcanvas.app.output.FfmpegVideoRecorder;
import dev.streamcanvas.app.output.OutputRecorder;
import dev.streamcanvas.app.output.PngSequenceRecorder;
import dev.streamcanvas.app.output.PngWriter;
import dev.streamcanvas.app.settings.AppPaths;
import dev.streamcanvas.app.settings.AppSettings;
import dev.streamcanvas.app.settings.SettingsStore;
import dev.streamcanvas.app.source.SourceKind;
import dev.streamcanvas.app.source.canvas.CanvasModel;
import dev.streamcanvas.engine.stream.FrameBuffer;
import dev.streamcanvas.engine.stream.LatestFrame;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.scene.paint.Color;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main window's state: wires input → service → output through latest-wins slots, keeps the status bar
 * numbers, snapshots, recording, view mode and the persisted settings. The view polls the slots from its
 * animation timer; nothing here blocks the UI thread.
 */
public final class LiveViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(LiveViewModel.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS", Locale.ROOT);

    private final TaskRunner runner;
    private final GenerationService service;
    private final SettingsStore store;
    private final AppPaths paths;
    private final GenerateViewModel generate;
    private final InputViewModel input;
    private final CanvasViewModel canvas;

    private final LatestFrame inputSlot = new LatestFrame();   // capture thread -> UI (display)
    private final LatestFrame outputSlot = new LatestFrame();  // service thread -> UI (display)
    private final Frame inputView = new Frame(1, 1);   // UI thread: shares the input slot's taken buffer
    private final Frame outputView = new Frame(1, 1);  // UI thread: shares the output slot's taken buffer
    private final RateMeter inputRate = new RateMeter(30);
    private final RateMeter outputRate = new RateMeter(30);
    private volatile OutputRecorder recorder;
    private Frame lastOutput;
    private long outputsShown;
    private double latencyMs = Double.NaN;
    private final Debouncer saveDebouncer;
    private final Path startModel; // the model folder used last time, or null
    private java.util.concurrent.Callable<Path> defaultModel; // finds the shipped/placeholder model, or null

    private final ReadOnlyStringWrapper statusModel = new ReadOnlyStringWrapper(this, "statusModel", "");
    private final ReadOnlyStringWrapper statusDevice = new ReadOnlyStringWrapper(this, "statusDevice", "");
    private final ReadOnlyStringWrapper statusResolution = new ReadOnlyStringWrapper(this, "statusResolution", "");
    private final ReadOnlyStringWrapper statusOutputFps = new ReadOnlyStringWrapper(this, "statusOutputFps", "");
    private final ReadOnlyStringWrapper statusInputFps = new ReadOnlyStringWrapper(this, "statusInputFps", "");
    private final ReadOnlyStringWrapper statusLatency = new ReadOnlyStringWrapper(this, "statusLatency", "");
    private final ReadOnlyStringWrapper statusDropped = new ReadOnlyStringWrapper(this, "statusDropped", "");
    private final ReadOnlyStringWrapper banner = new ReadOnlyStringWrapper(this, "banner");
    private final StringProperty notice = new SimpleStringProperty(this, "notice");
    private final BooleanProperty outputOnly = new SimpleBooleanProperty(this, "outputOnly");
    private final ReadOnlyBooleanWrapper recording = new ReadOnlyBooleanWrapper(this, "recording");

    public LiveViewModel(TaskRunner runner, GenerationService service, SourceFactory sources, CanvasModel canvasModel,
            SettingsStore store, AppPaths paths, AppSettings settings) {
        this.runner = runner;
        this.service = service;
        this.store = store;
        this.paths = paths;
        this.generate = new GenerateViewModel(runner, service, settings.generation());
        this.canvas = new CanvasViewModel(canvasModel, runner, paths.canvasAutosave());
        this.input = new InputViewModel(runner, sources, this::onInput, settings.width, settings.height);
        this.saveDebouncer = new Debouncer(runner, Duration.ofSeconds(2), this::saveSettings);

        generate.deviceProperty().set(settings.device == null ? DeviceChoice.CPU : settings.device);
        input.webcamProperty().set(settings.webcam);
        input.webcamResolutionProperty().set(settings.webcamResolution);
        input.mirrorProperty().set(settings.mirror);
        input.imageFileProperty().set(settings.imageFile == null ? null : Path.of(settings.imageFile));
        input.videoFileProperty().set(settings.videoFile == null ? null : Path.of(settings.videoFile));
        canvas.brushSizeProperty().set(Math.max(1, Math.min(512, settings.brushSize)));
        canvas.opacityProperty().set(Math.max(0, Math.min(1, settings.brushOpacity)));
        try {
            canvas.colorProperty().set(Color.web(settings.brushColor));
        } catch (IllegalArgumentException | NullPointerException e) {
            LOG.warn("ignoring brush colour {} from the settings: {}", settings.brushColor, e.getMessage());
        }
        outputOnly.set(settings.outputOnly);
        startModel = settings.modelFolder == null || settings.modelFolder.isBlank() ? null : Path.of(settings.modelFolder);

        generate.setOnApplied(saveDebouncer::trigger);
        generate.resolutionProperty().addListener((o, a, r) -> resize(r));
        generate.modelProperty().addListener((o, a, m) -> updateBanner(m));
        input.activeProperty().addListener((o, a, b) -> saveDebouncer.trigger());
        // temporal consistency follows the input: on for webcam and video, off for the canvas (the user may change it)
        input.activeProperty().addListener((o, a, kind) -> {
            if (kind != null && kind != a) {
                generate.temporalProperty().set(kind == SourceKind.WEBCAM || kind == SourceKind.VIDEO);
            }
        });
        outputOnly.addListener((o, a, b) -> saveDebouncer.trigger());
        canvasModel.resize(settings.width, settings.height);
        updateBanner(generate.modelProperty().get());
    }

    /**
     * Sets how the start-up model is found when the last-used one is missing or fails (background call);
     * without it the service's own model (e.g. the preview filter) runs.
     */
    public void setDefaultModel(java.util.concurrent.Callable<Path> defaultModel) {
        this.defaultModel = defaultModel;
    }

    /** Starts the service, the model load and the input chosen in the settings (UI thread). */
    public void start(SourceKind source) {
        service.setOutputListener(this::onOutput);
        service.setProblemListener(message -> runner.onUi(() -> notice.set(message)));
        service.applySettings(generate.settings());
        service.start();
        if (defaultModel != null) {
            generate.loadAtStart(startModel, defaultModel);
        } else if (startModel != null) {
            generate.loadModel(startModel);
        }
        canvas.restoreAutosave();
        input.select(source == null ? SourceKind.CANVAS : source);
    }

    /** Capture thread: one input frame. */
    private void onInput(int[] argb, int width, int height, long captureNanos) {
        inputRate.tick(System.nanoTime());
        inputSlot.publish(argb, width, height, 0, captureNanos, false);
        service.submit(argb, width, height, captureNanos);
    }

    /** Service thread: one output frame. */
    private void onOutput(Frame output) {
        outputSlot.publish(output.argb(), output.width(), output.height(), output.sequence(), output.captureNanos(), false);
        OutputRecorder r = recorder;
        if (r != null) {
            r.offer(output);
        }
    }

    /** The newest input frame for display, or null (UI thread; valid until the next call). */
    public Frame pollInput() {
        FrameBuffer b = inputSlot.take();
        return b == null ? null : inputView.share(b);
    }

    /** The newest output frame for display, or null (UI thread; valid until the next call). */
    public Frame pollOutput(long nowNanos) {
        FrameBuffer b = outputSlot.take();
        if (b == null) {
            return null;
        }
        Frame f = outputView.share(b);
        lastOutput = f;
        outputRate.tick(nowNanos);
        if (f.captureNanos() != 0) {
            double l = (nowNanos - f.captureNanos()) / 1e6;
            latencyMs = Double.isNaN(latencyMs) ? l : 0.9 * latencyMs + 0.1 * l;
        }
        if (outputsShown++ == 0) {
            LOG.info("first output frame displayed ({}x{}, model {})", f.width(), f.height(), generate.modelProperty().get().name());
        }
        return f;
    }

    public long outputsShown() {
        return outputsShown;
    }

    /** A copy of the output frame shown last, or null before the first (UI thread). */
    public Frame lastOutputCopy() {
        return lastOutput == null ? null : lastOutput.copy();
    }

    /** Refreshes the status bar texts (UI thread, a few times a second). */
    public void refreshStatus(long nowNanos) {
        ModelInfo m = generate.modelProperty().get();
        statusModel.set(m == null ? "no model" : m.name());
        statusDevice.set(m == null ? "" : m.device());
        Resolution r = generate.resolutionProperty().get();
        Frame shown = lastOutput;
        statusResolution.set(shown != null ? shown.width() + "×" + shown.height() : r.width() + "×" + r.height());
        ServiceMetrics sm = service.metrics();
        statusOutputFps.set(String.format(Locale.ROOT, "out %.1f fps", outputRate.perSecond(nowNanos)));
        statusInputFps.set(String.format(Locale.ROOT, "in %.1f fps", inputRate.perSecond(nowNanos)));
        statusLatency.set(Double.isNaN(latencyMs) ? "latency –" : String.format(Locale.ROOT, "latency %.0f ms", latencyMs));
        statusDropped.set("dropped " + (sm.dropped() + outputSlot.dropped()) + " · skipped " + sm.skipped());
    }

    /** Measured numbers for reports: input fps, displayed output fps, latency ms. */
    public double[] measurements(long nowNanos) {
        return new double[] {inputRate.perSecond(nowNanos), outputRate.perSecond(nowNanos), latencyMs};
    }

    private void resize(Resolution r) {
        if (r == null) {
            return;
        }
        canvas.model().resize(r.width(), r.height());
        input.setSize(r.width(), r.height());
    }

    private void updateBanner(ModelInfo m) {
        if (m == null || m.preview()) {
            banner.set("Preview filter — no model: the output is a simple image filter, not diffusion. Load a model folder in the Generate tab.");
        } else if (m.placeholder()) {
            banner.set("The output comes from a placeholder model (an untrained fixture generated on first start). "
                    + "Load a real model folder in the Generate tab for real pictures.");
        } else {
            banner.set(null);
        }
    }

    /** Saves the last shown output as PNG with the generation parameters (tEXt "parameters"). */
    public void snapshot() {
        if (lastOutput == null) {
            notice.set("No output frame yet to save.");
            return;
        }
        Frame copy = lastOutput.copy();
        ModelInfo m = generate.modelProperty().get();
        String params = generate.settings().describe(m.name(), m.device());
        Path file = paths.picturesDir().resolve("streamcanvas-" + LocalDateTime.now().format(STAMP) + ".png");
        runner.submit(() -> {
            PngWriter.write(copy, file, "parameters", params);
            return file;
        }, f -> notice.set("Snapshot saved: " + f), e -> notice.set("Snapshot not saved: " + e.getMessage()));
    }

    /** Starts recording the output to a numbered PNG sequence, or stops any recording. */
    public void toggleRecording() {
        if (!stopRecording()) {
            Path folder = paths.picturesDir().resolve("recording-" + LocalDateTime.now().format(STAMP));
            startRecording(() -> new PngSequenceRecorder(folder, this::recordingFailed));
        }
    }

    /** Starts recording the output to an MP4 video through ffmpeg, or stops any recording. */
    public void toggleVideoRecording() {
        if (!stopRecording()) {
            Path file = paths.picturesDir().resolve("recording-" + LocalDateTime.now().format(STAMP) + ".mp4");
            double rate = outputRate.perSecond(System.nanoTime());
            int fps = rate >= 1 ? (int) Math.round(rate) : 15;
            startRecording(() -> new FfmpegVideoRecorder(file, fps, this::recordingFailed));
        }
    }

    private void recordingFailed(String message) {
        runner.onUi(() -> {
            notice.set(message);
            stopRecording();
        });
    }

    private void startRecording(java.util.concurrent.Callable<OutputRecorder> make) {
        runner.submit(make, rec -> {
            recorder = rec;
            recording.set(true);
            notice.set("Recording to " + rec.target());
        }, e -> notice.set("Cannot record: " + e.getMessage()));
    }

    /** Stops a running recording (finishing in the background); false when none was running. */
    private boolean stopRecording() {
        OutputRecorder r = recorder;
        if (r == null) {
            return false;
        }
        recorder = null;
        recording.set(false);
        runner.submit(() -> {
            r.close();
            return r;
        }, done -> {
            if (notice.get() == null || notice.get().startsWith("Recording to ")) {
                notice.set("Recorded " + done.written() + " frames to " + done.target()
                        + (done.dropped() > 0 ? " (" + done.dropped() + " dropped: the disk was slower than the stream)" : ""));
            }
        }, e -> notice.set("Recording did not finish: " + e.getMessage()));
        return true;
    }

    /** The settings as they are now. */
    public AppSettings toSettings() {
        AppSettings s = new AppSettings();
        try {
            s.setGeneration(generate.settings());
        } catch (IllegalArgumentException e) {
            LOG.warn("not saving invalid generation settings: {}", e.getMessage());
        }
        ModelInfo m = generate.modelProperty().get();
        s.modelFolder = m == null || m.folder() == null || m.placeholder() ? null : m.folder().toString();
        s.device = generate.deviceProperty().get();
        SourceKind active = input.requestedProperty().get();
        s.source = active == null ? SourceKind.CANVAS : active;
        s.webcam = input.webcamProperty().get();
        s.webcamResolution = input.webcamResolutionProperty().get();
        s.mirror = input.mirrorProperty().get();
        s.imageFile = input.imageFileProperty().get() == null ? null : input.imageFileProperty().get().toString();
        s.videoFile = input.videoFileProperty().get() == null ? null : input.videoFileProperty().get().toString();
        s.brushSize = canvas.brushSizeProperty().get();
        Color c = canvas.colorProperty().get();
        s.brushColor = String.format(Locale.ROOT, "#%02x%02x%02x", Math.round(c.getRed() * 255), Math.round(c.getGreen() * 255),
                Math.round(c.getBlue() * 255));
        s.brushOpacity = canvas.opacityProperty().get();
        s.outputOnly = outputOnly.get();
        return s;
    }

    /** Writes settings.json in the background. */
    public void saveSettings() {
        AppSettings s = toSettings();
        runner.submit(() -> {
            store.save(s);
            return s;
        }, ok -> { }, e -> LOG.warn("settings not saved to {}: {}", store.file(), e.getMessage()));
    }

    /** UI thread, when the window closes: sends pending edits, stops timers, returns the settings to save. */
    public AppSettings prepareClose() {
        generate.flush();
        generate.dispose();
        input.dispose();
        canvas.dispose();
        saveDebouncer.cancel();
        return toSettings();
    }

    /**
     * Background thread, after {@link #prepareClose()}: stops the input and the service, finishes a recording,
     * saves the drawing and the settings. Blocks up to a few seconds.
     */
    public void shutdown(AppSettings settings) {
        input.shutdown();
        OutputRecorder r = recorder;
        recorder = null;
        if (r != null) {
            r.close();
        }
        service.close();
        canvas.saveBlocking();
        try {
            store.save(settings);
        } catch (java.io.IOException e) {
            LOG.warn("settings not saved to {}: {}", store.file(), e.getMessage());
        }
        LOG.info("closed: input, engine and recorder stopped");
    }

    public GenerateViewModel generate() {
        return generate;
    }

    public InputViewModel input() {
        return input;
    }

    public CanvasViewModel canvas() {
        return canvas;
    }

    public ReadOnlyStringProperty statusModelProperty() {
        return statusModel.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusDeviceProperty() {
        return statusDevice.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusResolutionProperty() {
        return statusResolution.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusOutputFpsProperty() {
        return statusOutputFps.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusInputFpsProperty() {
        return statusInputFps.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusLatencyProperty() {
        return statusLatency.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusDroppedProperty() {
        return statusDropped.getReadOnlyProperty();
    }

    /** A persistent banner (preview filter / placeholder model), or null. */
    public ReadOnlyStringProperty bannerProperty() {
        return banner.getReadOnlyProperty();
    }

    /** A dismissable notice (saved files, settings recovered, ...), or null. */
    public StringProperty noticeProperty() {
        return notice;
    }

    public BooleanProperty outputOnlyProperty() {
        return outputOnly;
    }

    public ReadOnlyBooleanProperty recordingProperty() {
        return recording.getReadOnlyProperty();
    }
}
