package dev.streamcanvas.engine.stream;

import dev.streamcanvas.engine.text.PromptCache;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live stream engine: one thread that owns the model sessions and all stream state, and turns the newest
 * input frame into the newest output frame (DESIGN §2).
 *
 * <h2>API for callers (the app, the CLI)</h2>
 * <ul>
 *   <li>{@link #start()} starts the engine thread; {@link #close()} stops it and closes the model.</li>
 *   <li>{@link #submit(int[], int, int)} hands in an ARGB frame of any size; it is copied, never blocks, and the
 *       newest frame wins (an unprocessed older one is dropped and counted). {@link #submitEmpty()} asks for a
 *       text-to-image frame.</li>
 *   <li>Output: a {@link Listener} gets every output on the engine thread (copy what you need into your own
 *       latest-wins slot, do not block); the engine keeps no output slot of its own.</li>
 *   <li>{@link #apply(StreamSettings)} queues validated settings; they take effect between frames, each change
 *       resetting only the state it invalidates. A bad setting (e.g. a noise file of the wrong shape) is
 *       reported through {@link Listener#onError} and the previous settings stay.</li>
 *   <li>{@link #loadModel(String, ModelLoader, Consumer)} loads a model on a background thread while the old
 *       one keeps streaming; on success it is swapped in between frames, on failure the old model stays and the
 *       callback gets the message. For a model folder:
 *       {@code engine.loadModel(dir.toString(), DiffusionModel.loader(dir, Device.CUDA, false), result -> ...)}
 *       (a requested GPU that is unavailable falls back to CPU; {@link Listener#onStatus} says so).</li>
 *   <li>{@link #metrics()} returns a snapshot of counters and per-stage timings.</li>
 * </ul>
 * The engine never touches a UI toolkit; frames leave it as ARGB {@code int[]} with width and height.
 * An exception inside a frame is reported to the listeners and the engine keeps running.
 */
public final class StreamEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamEngine.class);
    private static final double EMA = 0.1;

    /** Receives engine events on the engine thread (errors and status may also come from the loader thread). */
    public interface Listener {
        /** A new output frame; {@code argb} is valid only during the call. */
        default void onOutput(int[] argb, int width, int height, FrameTimings timings) {
        }

        /** The output latents [F, C, h, w] of a frame, only while {@link #captureLatents} is on (a fresh copy). */
        default void onOutputLatents(float[] latents, long[] shape) {
        }

        /** A frame, a setting or a model load failed; the engine keeps running. */
        default void onError(String stage, Exception error) {
        }

        /** A human-readable status line (model loaded, provider in use, ...). */
        default void onStatus(String message) {
        }
    }

    /** Loads a model (runs on the loader thread). */
    @FunctionalInterface
    public interface ModelLoader {
        StreamModel load() throws Exception;
    }

    /** Outcome of {@link #loadModel}. */
    public record LoadResult(String source, boolean success, String message) {
    }

    private final Object lock = new Object();
    private final LatestFrame input = new LatestFrame(lock);
    private final ArrayDeque<Runnable> commands = new ArrayDeque<>(); // guarded by lock
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "stream-model-loader");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running;
    private volatile boolean captureLatents;
    private volatile StreamSettings requested;
    private volatile StreamSettings active;
    private Thread thread;
    private long inputSequence; // guarded by lock
    private final List<StreamModel> pendingModels = new ArrayList<>(); // guarded by lock: loaded, not yet swapped in
    private boolean closed; // guarded by lock: no model is taken in any more
    private volatile String modelName = ""; // the active model's name, for other threads

    // ---- engine-thread state ----
    private StreamModel model;
    private StreamPipeline pipeline;
    private StreamSettings settings;
    private SimilarityFilter filter;
    private float[] image = new float[0]; // [F, 3, H, W] in [-1, 1]
    private Resizer resizer; // taps of the last input size -> model size reduction, reused while sizes stay
    private float[] latents = new float[0]; // [F, C, h, w] scaled latents
    private float[] decoded = new float[0]; // [F, 3, H, W]
    private int[] argb = new int[0]; // [H * W]
    private int collected; // frames gathered toward a frame batch
    private boolean lastOutputValid;

    // ---- metrics (written by the engine thread, read by anyone) ----
    private final Meter meter = new Meter();

    public StreamEngine(StreamSettings initial) {
        this.requested = Objects.requireNonNull(initial, "initial settings");
        enqueue(() -> applyNow(initial));
    }

    public void addListener(Listener l) {
        listeners.add(Objects.requireNonNull(l));
    }

    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    /** Starts the engine thread (once). */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, "stream-engine");
        thread.setDaemon(true);
        thread.start();
    }

    /** Submits an ARGB frame (copied; non-blocking; latest wins). */
    public void submit(int[] argbPixels, int width, int height) {
        if (width <= 0 || height <= 0 || argbPixels.length < width * height) {
            throw new IllegalArgumentException("frame of " + width + "x" + height + " needs " + (long) width * height
                    + " pixels, got " + argbPixels.length);
        }
        input.publish(argbPixels, width, height, nextSequence(), false);
    }

    /** Submits a "no input" frame: the stream starts from pure noise (text-to-image). */
    public void submitEmpty() {
        input.publish(null, 1, 1, nextSequence(), true);
    }

    private long nextSequence() {
        synchronized (lock) {
            return inputSequence++;
        }
    }

    /** Queues settings; they apply between frames. */
    public void apply(StreamSettings s) {
        Objects.requireNonNull(s, "settings");
        requested = s;
        enqueue(() -> applyNow(s));
    }

    /** Whether a submitted frame waits for the engine (tests use it to avoid dropping frames). */
    boolean inputPending() {
        return input.hasFresh();
    }

    /** The settings in force (after the model adapted them, e.g. to its fixed size); null before a model is active. */
    public StreamSettings activeSettings() {
        return active;
    }

    /** The settings most recently given to {@link #apply} (not necessarily in force yet). */
    public StreamSettings requestedSettings() {
        return requested;
    }

    /** Asks the engine to forget its frame history (the next frame restarts the stream). */
    public void resetStream() {
        enqueue(() -> {
            if (pipeline != null) {
                pipeline.resetHistory();
            }
            if (filter != null) {
                filter.reset();
            }
        });
    }

    /** Turns delivery of output latents to {@link Listener#onOutputLatents} on or off. */
    public void captureLatents(boolean on) {
        captureLatents = on;
    }

    /**
     * Loads a model in the background; the old one keeps streaming and stays if loading fails.
     *
     * @param source   what is loaded (for messages), e.g. the folder path
     * @param callback told the outcome, on the engine thread (success) or the loader thread (failure); may be null
     */
    public void loadModel(String source, ModelLoader modelLoader, Consumer<LoadResult> callback) {
        Consumer<LoadResult> cb = callback != null ? callback : r -> { };
        loader.execute(() -> {
            StreamModel m;
            try {
                m = modelLoader.load();
            } catch (Exception e) {
                String msg = e.getMessage() != null ? e.getMessage() : e.toString();
                LOG.warn("model load failed for {}: {}", source, msg);
                report("load model", e);
                cb.accept(new LoadResult(source, false, msg));
                return;
            }
            synchronized (lock) {
                if (!closed) {
                    pendingModels.add(m); // closed by the engine if it stops before the swap
                    commands.add(() -> swapModel(source, m, cb));
                    lock.notifyAll();
                    return;
                }
            }
            closeQuietly(m); // the engine stopped while this model loaded
            cb.accept(new LoadResult(source, false, "the engine was closed while " + source + " loaded"));
        });
    }

    /** Installs an already-loaded model (between frames); the engine takes ownership. */
    public void setModel(StreamModel m) {
        loadModel(m.name(), () -> m, null);
    }

    /** A snapshot of counters and timings; any thread. It reads only final or volatile fields of the engine. */
    public StreamMetrics metrics() {
        return meter.snapshot(input.published(), input.dropped(), modelName);
    }

    private void enqueue(Runnable r) {
        synchronized (lock) {
            commands.add(r);
            lock.notifyAll();
        }
    }

    // ------------------------------------------------------------------ engine thread

    private void loop() {
        List<Runnable> batch = new ArrayList<>();
        while (running) {
            synchronized (lock) {
                while (running && commands.isEmpty() && !input.hasFresh()) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        running = false;
                    }
                }
                batch.addAll(commands);
                commands.clear();
            }
            if (!running) {
                break;
            }
            for (Runnable r : batch) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    report("command", e);
                }
            }
            batch.clear();
            synchronized (lock) {
                if (!commands.isEmpty()) {
                    continue; // commands queued while the others ran apply before the next frame
                }
            }
            FrameBuffer in = input.take();
            if (in == null) {
                continue;
            }
            if (model == null || settings == null) {
                continue; // no model yet: the frame is dropped
            }
            try {
                process(in);
            } catch (RuntimeException e) {
                meter.error();
                collected = 0;
                report("frame " + in.sequence(), e);
            }
        }
        closeModel();
    }

    private void applyNow(StreamSettings s) {
        if (model != null) {
            int[] fixed = model.fixedSize();
            if (fixed != null && (fixed[0] != s.width() || fixed[1] != s.height())) {
                report("settings", new IllegalArgumentException("model " + model.name() + " runs only at "
                        + fixed[0] + "x" + fixed[1] + " (its VAE graphs have fixed shapes), not at " + s.width() + "x"
                        + s.height()));
                return;
            }
            int f = model.codec().factor();
            if (s.width() % f != 0 || s.height() % f != 0) {
                report("settings", new IllegalArgumentException("size " + s.width() + "x" + s.height()
                        + " is not a multiple of the model's VAE factor " + f));
                return;
            }
            try {
                pipeline.configure(s, model.codec().channels(), s.height() / f, s.width() / f);
            } catch (java.io.IOException | RuntimeException e) {
                report("settings", e);
                return;
            }
        }
        StreamSettings old = settings;
        settings = s;
        if (model != null) {
            active = s;
        }
        if (filter == null || old == null || !old.filter().equals(s.filter()) || old.seed() != s.seed()
                || old.width() != s.width() || old.height() != s.height()) {
            filter = new SimilarityFilter(s.filter(), s.seed());
        }
        if (old == null || old.frameBatch() != s.frameBatch() || old.width() != s.width()
                || old.height() != s.height()) {
            collected = 0;
            lastOutputValid = false;
        }
        ensureBuffers();
    }

    private void ensureBuffers() {
        if (model == null || settings == null) {
            return;
        }
        int frames = settings.frameBatch();
        int px = settings.width() * settings.height();
        int f = model.codec().factor();
        int lat = model.codec().channels() * (settings.height() / f) * (settings.width() / f);
        if (image.length != frames * 3 * px) {
            image = new float[frames * 3 * px];
            decoded = new float[frames * 3 * px];
        }
        if (latents.length != frames * lat) {
            latents = new float[frames * lat];
        }
        if (argb.length != px) {
            argb = new int[px];
        }
    }

    private void swapModel(String source, StreamModel m, Consumer<LoadResult> cb) {
        synchronized (lock) {
            pendingModels.remove(m);
        }
        PromptCache cache = new PromptCache(64);
        StreamPipeline p = new StreamPipeline(m.schedule(), m.denoiser(), m.prompts(),
                prompt -> cache.get(prompt, m.prompts()::encode));
        StreamSettings s = settings != null ? settings : requested;
        int[] fixed = m.fixedSize();
        if (fixed != null && (fixed[0] != s.width() || fixed[1] != s.height())) {
            s = s.toBuilder().size(fixed[0], fixed[1]).build(); // the model decides; inputs are resized to it
        }
        try {
            int f = m.codec().factor();
            if (s.width() % f != 0 || s.height() % f != 0) {
                throw new IllegalArgumentException("size " + s.width() + "x" + s.height()
                        + " is not a multiple of the model's VAE factor " + f);
            }
            p.configure(s, m.codec().channels(), s.height() / f, s.width() / f);
        } catch (Exception e) {
            m.close();
            report("load model", e);
            cb.accept(new LoadResult(source, false, e.getMessage()));
            return;
        }
        StreamModel old = model;
        model = m;
        modelName = m.name();
        pipeline = p;
        settings = s;
        active = s;
        collected = 0;
        lastOutputValid = false;
        filter = new SimilarityFilter(s.filter(), s.seed());
        ensureBuffers();
        if (old != null) {
            old.close();
        }
        String status = m.runtimeStatus();
        String msg = "model " + m.name() + " active" + (status.isEmpty() ? "" : " (" + status + ")");
        LOG.info(msg);
        for (Listener l : listeners) {
            l.onStatus(msg);
        }
        cb.accept(new LoadResult(source, true, msg));
    }

    /** One input: preprocess, similarity filter, VAE encode, stream-batch UNet, VAE decode, postprocess. */
    private void process(FrameBuffer in) {
        final StreamSettings s = settings;
        final LatentCodec codec = model.codec();
        final int frames = s.frameBatch();
        final int width = s.width();
        final int height = s.height();
        final int plane3 = 3 * width * height;
        long t0 = System.nanoTime();
        long rt0 = model.runtimeNanos();
        double queueWait = (t0 - in.timestampNanos()) / 1e6;

        // preprocess: resize/crop to the model size, NCHW in [-1, 1]
        boolean empty = in.isEmpty();
        if (empty) {
            java.util.Arrays.fill(image, collected * plane3, (collected + 1) * plane3, 0f);
        } else {
            resizer = ImageTensors.toTensor(in.pixels(), in.width(), in.height(), width, height, image,
                    collected * plane3, resizer);
        }
        // similarity filter (single frames): a skip shows the last output again
        if (frames == 1 && !lastOutputValid) {
            filter.reset(); // nothing to show again yet: this frame becomes the filter's reference
        }
        if (frames == 1 && !empty && filter.shouldSkip(image, plane3)) {
            long t1 = System.nanoTime();
            FrameTimings ft = new FrameTimings(in.sequence(), queueWait, (t1 - t0) / 1e6, 0, 0, 0, 0,
                    (t1 - t0) / 1e6, 0, true);
            meter.skipped(ft);
            for (Listener l : listeners) {
                l.onOutput(argb, width, height, ft);
            }
            return;
        }
        if (++collected < frames) {
            return;
        }
        collected = 0;
        long t1 = System.nanoTime();

        // VAE encode (text-to-image: no encode; slot 0 starts from the bank noise itself)
        if (empty) {
            java.util.Arrays.fill(latents, 0f);
        } else {
            codec.encode(image, frames, height, width, latents);
            checkFinite(latents, latents.length, "vae_encoder", "latents");
        }
        long t2 = System.nanoTime();

        // stream-batch UNet + x0 step + roll
        float[] outLatents = empty ? pipeline.stepFromNoise() : pipeline.step(latents);
        checkFinite(outLatents, outLatents.length, "unet", "output latents");
        long t3 = System.nanoTime();

        // VAE decode of the oldest slot's estimate
        codec.decode(outLatents, frames, height, width, decoded);
        checkFinite(decoded, frames * plane3, "vae_decoder", "decoded image");
        long t4 = System.nanoTime();

        // postprocess + publish
        int f = codec.factor();
        if (captureLatents) {
            long[] shape = {frames, codec.channels(), height / f, width / f};
            float[] copy = outLatents.clone();
            for (Listener l : listeners) {
                l.onOutputLatents(copy, shape);
            }
        }
        // postprocess: the last frame's conversion is timed; every output of the call carries the call's timings
        ImageTensors.toArgb(decoded, (frames - 1) * plane3, width, height, argb);
        long t5 = System.nanoTime();
        double rt = (model.runtimeNanos() - rt0) / 1e6;
        FrameTimings ft = new FrameTimings(in.sequence(), queueWait, (t1 - t0) / 1e6, (t2 - t1) / 1e6,
                (t3 - t2) / 1e6, (t4 - t3) / 1e6, (t5 - t4) / 1e6, (t5 - t0) / 1e6, rt, false);
        meter.processed(ft, t5);
        for (int fr = 0; fr < frames; fr++) {
            if (frames > 1) { // a frame batch: convert each frame in turn (the single-frame case is done)
                ImageTensors.toArgb(decoded, fr * plane3, width, height, argb);
            }
            for (Listener l : listeners) {
                l.onOutput(argb, width, height, ft);
            }
        }
        lastOutputValid = true;
    }

    private void report(String stage, Exception e) {
        LOG.warn("{} failed: {}", stage, e.toString());
        for (Listener l : listeners) {
            try {
                l.onError(stage, e);
            } catch (RuntimeException ignored) {
                LOG.warn("listener failed while reporting an error", ignored);
            }
        }
    }

    /** Closes the active model and every loaded model still waiting for its swap; later loads are closed at once. */
    private void closeModel() {
        List<StreamModel> orphans;
        synchronized (lock) {
            closed = true;
            commands.clear();
            orphans = new ArrayList<>(pendingModels);
            pendingModels.clear();
        }
        for (StreamModel m : orphans) {
            closeQuietly(m);
        }
        if (model != null) {
            closeQuietly(model);
            model = null;
            modelName = "";
        }
    }

    private static void closeQuietly(StreamModel m) {
        try {
            m.close();
        } catch (RuntimeException e) {
            LOG.warn("closing model {} failed", m.name(), e);
        }
    }

    /**
     * A NaN or infinity would reach the screen as a black frame: drop the frame instead (the last good output stays),
     * and restart the history so the bad values do not stay in the stream buffer.
     */
    private void checkFinite(float[] values, int n, String graph, String what) {
        try {
            NonFiniteOutputException.check(values, n, graph, what, model.name());
        } catch (NonFiniteOutputException e) {
            pipeline.resetHistory();
            lastOutputValid = false;
            throw e;
        }
    }

    /** Counters and moving averages: written by the engine thread, read by anyone, all under this object's lock. */
    private static final class Meter {
        private long processed;
        private long skipped;
        private long errors;
        private double fps;
        private long lastOutputNanos;
        private FrameTimings lastTimings;
        private FrameTimings averageTimings;

        synchronized void error() {
            errors++;
        }

        synchronized void skipped(FrameTimings ft) {
            skipped++;
            lastTimings = ft;
        }

        synchronized void processed(FrameTimings ft, long now) {
            processed++;
            if (lastOutputNanos != 0) {
                double inst = 1e9 / Math.max(1, now - lastOutputNanos);
                fps = fps == 0 ? inst : fps + EMA * (inst - fps);
            }
            lastOutputNanos = now;
            lastTimings = ft;
            FrameTimings a = averageTimings;
            averageTimings = a == null ? ft : new FrameTimings(ft.sequence(), ema(a.queueWaitMs(), ft.queueWaitMs()),
                    ema(a.preprocessMs(), ft.preprocessMs()), ema(a.encodeMs(), ft.encodeMs()),
                    ema(a.unetMs(), ft.unetMs()), ema(a.decodeMs(), ft.decodeMs()),
                    ema(a.postprocessMs(), ft.postprocessMs()), ema(a.totalMs(), ft.totalMs()),
                    ema(a.runtimeMs(), ft.runtimeMs()), false);
        }

        synchronized StreamMetrics snapshot(long submitted, long inputDropped, String model) {
            return new StreamMetrics(submitted, inputDropped, processed, skipped, errors, fps, lastTimings,
                    averageTimings, model);
        }

        private static double ema(double avg, double v) {
            return avg + EMA * (v - avg);
        }
    }

    /** Stops the engine thread, closes the model and the loader. */
    @Override
    public void close() {
        loader.shutdownNow();
        Thread t;
        synchronized (this) {
            t = thread;
        }
        synchronized (lock) {
            running = false;
            closed = true;
            lock.notifyAll();
        }
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            closeModel();
        }
        try {
            loader.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
