package dev.streamcanvas.app.live;

import dev.streamcanvas.app.frame.Frame;
import dev.streamcanvas.engine.model.Device;
import dev.streamcanvas.engine.model.DiffusionModel;
import dev.streamcanvas.engine.stream.FilterSettings;
import dev.streamcanvas.engine.stream.FrameTimings;
import dev.streamcanvas.engine.stream.GuidanceMode;
import dev.streamcanvas.engine.stream.StreamEngine;
import dev.streamcanvas.engine.stream.StreamMetrics;
import dev.streamcanvas.engine.stream.StreamSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's {@link GenerationService} on the stream engine. Until the first model is loaded (or when none
 * can be), frames go to the {@link PreviewGenerationService}, so the output pane is never empty; from the
 * first successful load on they go to the engine, whose thread owns every model session.
 */
public final class StreamEngineService implements GenerationService, StreamEngine.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(StreamEngineService.class);
    private static final int RING = 256;

    private final StreamEngine engine;
    private final PreviewGenerationService preview = new PreviewGenerationService();
    private final Predicate<Path> isPlaceholder;
    private final Frame output = new Frame(1, 1);          // engine-thread copy of the newest output, reused
    private final long[] captureNanos = new long[RING];     // capture time of engine input sequence s at [s % RING]
    private long submitted;                                 // guarded by captureNanos
    private volatile boolean engineActive;
    private volatile OutputListener listener = f -> { };
    private volatile GenerationSettings settings = GenerationSettings.defaults();
    private volatile ModelInfo model;
    private volatile int[] fixedSize;                       // {w, h} of a fixed-size model, else null
    private volatile double latencyMs;
    private volatile java.util.function.Consumer<String> problems = m -> { };
    private volatile String lastProblem;
    private int failedInARow;                               // engine thread: frames failed since the last output
    /** Frames in a row that may fail before the preview filter takes over from a model that fails every frame. */
    static final int FAILURES_BEFORE_PREVIEW = 3;

    /** {@code isPlaceholder} tells which model folders are placeholders (the generated fixture). */
    public StreamEngineService(Predicate<Path> isPlaceholder) {
        this.isPlaceholder = isPlaceholder;
        this.engine = new StreamEngine(toEngine(settings, null));
        engine.addListener(this);
        preview.setWhyNoModel("no model is loaded yet");
    }

    static StreamSettings toEngine(GenerationSettings g, int[] fixed) {
        int w = fixed != null ? fixed[0] : g.width();
        int h = fixed != null ? fixed[1] : g.height();
        return StreamSettings.builder().prompt(g.prompt()).negativePrompt(g.negativePrompt()).seed(g.seed()).strength(g.strength())
                .slots(g.steps()).guidance(g.guidance())
                .gamma((float) g.gamma()).delta((float) g.delta())
                .filter(g.similarityFilter() ? FilterSettings.on(g.similarityThreshold(), 10) : FilterSettings.OFF)
                .temporal(dev.streamcanvas.engine.v2v.BankSettings.OFF.withEnabled(g.temporal())
                        .withFusionStrength((float) g.temporalStrength()))
                .size(w, h).build();
    }

    @Override
    public void start() {
        preview.setOutputListener(f -> {
            if (!engineActive) {
                listener.onOutput(f);
            }
        });
        preview.start();
        engine.start();
    }

    @Override
    public void submit(int[] argb, int width, int height, long capture) {
        if (!engineActive) {
            preview.submit(argb, width, height, capture);
            return;
        }
        synchronized (captureNanos) {
            captureNanos[(int) (submitted++ % RING)] = capture;
            engine.submit(argb, width, height);
        }
    }

    @Override
    public void onOutput(int[] argb, int width, int height, FrameTimings timings) {
        failedInARow = 0;
        if (!engineActive) {
            return; // a frame still in the engine after the preview took over
        }
        output.resize(width, height);
        System.arraycopy(argb, 0, output.argb(), 0, width * height);
        long capture;
        synchronized (captureNanos) {
            long seq = timings == null ? submitted - 1 : timings.sequence();
            capture = seq >= 0 && seq > submitted - RING ? captureNanos[(int) (seq % RING)] : 0;
        }
        output.setCaptureNanos(capture);
        if (capture != 0) {
            latencyMs = (System.nanoTime() - capture) / 1e6;
        }
        listener.onOutput(output);
    }

    @Override
    public void onError(String stage, Exception error) {
        String message = "The engine could not " + stage + ": " + error.getMessage();
        if (!message.equals(lastProblem) && !"load model".equals(stage)) { // load failures reach the caller's future
            lastProblem = message;
            problems.accept(message);
        }
        // a model that fails on every frame (a graph that breaks at run time, NaN output) would freeze the picture:
        // the preview filter takes over until another model loads
        if (stage.startsWith("frame") && engineActive && ++failedInARow >= FAILURES_BEFORE_PREVIEW) {
            ModelInfo failing = model;
            engineActive = false;
            model = null;
            String why = "model " + (failing != null ? failing.name() : "") + " failed on " + failedInARow
                    + " frames in a row";
            preview.setWhyNoModel(why);
            LOG.warn("{}; the preview filter takes over: {}", why, error.getMessage());
            problems.accept("The model failed on " + failedInARow + " frames in a row (" + error.getMessage()
                    + "); the preview filter takes over until another model loads.");
        }
    }

    @Override
    public void setProblemListener(java.util.function.Consumer<String> listener) {
        problems = listener;
    }

    @Override
    public void onStatus(String message) {
        LOG.info("engine: {}", message);
    }

    @Override
    public void setOutputListener(OutputListener listener) {
        this.listener = listener;
    }

    @Override
    public void applySettings(GenerationSettings s) {
        settings = s;
        preview.applySettings(s);
        engine.apply(toEngine(s, fixedSize));
    }

    @Override
    public CompletableFuture<ModelInfo> loadModel(Path folder, DeviceChoice device) {
        CompletableFuture<ModelInfo> done = new CompletableFuture<>();
        if (!Files.isDirectory(folder)) {
            done.completeExceptionally(new IllegalArgumentException(folder + " is not a folder"));
            return done;
        }
        Device d = Device.valueOf(device.name());
        int[][] size = new int[1][];
        String[] status = new String[1];
        engine.loadModel(folder.toString(), () -> {
            DiffusionModel m = DiffusionModel.load(folder, d, false, true); // with the feature bank when it can take one
            size[0] = m.fixedSize();
            status[0] = m.runtimeStatus();
            return m;
        }, r -> {
            if (!r.success()) {
                done.completeExceptionally(new IllegalStateException(r.message()));
                return;
            }
            fixedSize = size[0];
            engine.apply(toEngine(settings, fixedSize));
            ModelInfo info = new ModelInfo(folder.getFileName().toString(), folder, deviceText(d, status[0]),
                    isPlaceholder.test(folder), false);
            model = info;
            failedInARow = 0;
            engineActive = true;
            LOG.info("model {} active on {}", info.name(), info.device());
            done.complete(info);
        });
        return done;
    }

    private static String deviceText(Device d, String status) {
        return status == null || status.isBlank() ? d.name() : status;
    }

    @Override
    public ModelInfo model() {
        ModelInfo m = model;
        return m != null ? m : preview.model();
    }

    @Override
    public List<DeviceChoice> devices() {
        return List.of(DeviceChoice.values());
    }

    @Override
    public ServiceMetrics metrics() {
        if (!engineActive) {
            return preview.metrics();
        }
        StreamMetrics m = engine.metrics();
        return new ServiceMetrics(m.fps(), latencyMs, m.inputDropped(), m.skipped());
    }

    @Override
    public void close() {
        preview.close();
        engine.close();
        LOG.info("stream engine stopped");
    }
}
