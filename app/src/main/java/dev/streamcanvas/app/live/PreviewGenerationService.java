package dev.streamcanvas.app.live;

import dev.streamcanvas.app.frame.Frame;
import dev.streamcanvas.app.frame.RateMeter;
import dev.streamcanvas.engine.stream.FrameBuffer;
import dev.streamcanvas.engine.stream.LatestFrame;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fallback when no model can run: a cheap deterministic restyling (posterised into a palette picked by
 * the prompt and seed, blended by the strength, with dark edges) on its own worker thread, with the same
 * threading, similarity filter and metrics as the engine. The status bar labels it "preview filter — no model".
 */
public class PreviewGenerationService implements GenerationService {
    private static final Logger LOG = LoggerFactory.getLogger(PreviewGenerationService.class);
    public static final String NAME = "preview filter — no model";

    private final LatestFrame input = new LatestFrame();
    private final Frame inputView = new Frame(1, 1);   // worker thread: shares the input slot's taken buffer
    private final Frame output = new Frame(1, 1);      // reused output buffer
    private final Frame lastInput = new Frame(1, 1);   // last processed input, for the similarity filter
    private int[] luma = new int[0];                     // [h * w] luma of the current input
    private final RateMeter rate = new RateMeter(30);
    private volatile GenerationSettings settings = GenerationSettings.defaults();
    private volatile OutputListener listener = f -> { };
    private volatile boolean running;
    private volatile Thread thread;
    private volatile double latencyMs;
    private volatile long skipped;
    private int skipsInRow;
    private boolean haveOutput;
    private final SplittableRandom skipRandom = new SplittableRandom(7);
    private final ModelInfo info = new ModelInfo(NAME, null, "CPU", false, true);
    private String whyNoModel = "this build has no stream engine";

    /** Explains, in load failures, why the preview runs instead of a model. */
    public void setWhyNoModel(String reason) {
        whyNoModel = reason;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        Thread t = new Thread(this::loop, "sc-engine-preview");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void loop() {
        while (running) {
            FrameBuffer taken = input.take();
            if (taken == null) {
                LockSupport.parkNanos(this, 50_000_000L);
                continue;
            }
            Frame in = inputView.share(taken);
            GenerationSettings s = settings;
            if (s.similarityFilter() && haveOutput && shouldSkip(in, s.similarityThreshold())) {
                skipped++; // the screen keeps showing the last output
                continue;
            }
            skipsInRow = 0;
            lastInput.copyFrom(in);
            if (luma.length < in.width() * in.height()) {
                luma = new int[in.width() * in.height()];
            }
            restyle(in, output, s, luma);
            output.setCaptureNanos(in.captureNanos());
            output.setSequence(in.sequence());
            haveOutput = true;
            long now = System.nanoTime();
            rate.tick(now);
            latencyMs = (now - in.captureNanos()) / 1e6;
            listener.onOutput(output);
        }
    }

    private boolean shouldSkip(Frame in, double eta) {
        if (in.width() != lastInput.width() || in.height() != lastInput.height() || skipsInRow >= 10) {
            return false;
        }
        double c = cosine(in.argb(), lastInput.argb(), in.width() * in.height());
        double p = Math.max(0, (c - eta) / (1 - eta));
        if (skipRandom.nextDouble() < p) {
            skipsInRow++;
            return true;
        }
        return false;
    }

    /** Cosine similarity of two pictures as vectors of channel values in [-1, 1]. */
    static double cosine(int[] a, int[] b, int n) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < n; i++) {
            for (int sh = 0; sh <= 16; sh += 8) {
                double x = (a[i] >> sh & 0xFF) / 127.5 - 1;
                double y = (b[i] >> sh & 0xFF) / 127.5 - 1;
                dot += x * y;
                na += x * x;
                nb += y * y;
            }
        }
        return na == 0 || nb == 0 ? (na == nb ? 1 : 0) : dot / Math.sqrt(na * nb);
    }

    /** The preview filter itself (deterministic in the input and the settings). */
    static void restyle(Frame in, Frame out, GenerationSettings s, int[] luma) {
        int w = in.width();
        int h = in.height();
        out.resize(w, h);
        int[] src = in.argb();
        int[] dst = out.argb();
        int[] palette = palette(s.prompt().hashCode() * 31L + s.seed());
        int levels = 2 + s.steps();
        double a = s.strength();
        for (int i = 0; i < w * h; i++) {
            int p = src[i];
            luma[i] = (299 * (p >> 16 & 0xFF) + 587 * (p >> 8 & 0xFF) + 114 * (p & 0xFF)) / 1000;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int l = luma[i];
                int level = Math.min(levels - 1, l * levels / 256);
                int pc = palette[level * (palette.length - 1) / Math.max(1, levels - 1)];
                // Sobel edge magnitude on luma, clamped at the border
                int xm = Math.max(x - 1, 0);
                int xp = Math.min(x + 1, w - 1);
                int ym = Math.max(y - 1, 0) * w;
                int yp = Math.min(y + 1, h - 1) * w;
                int row = y * w;
                int gx = luma[ym + xp] + 2 * luma[row + xp] + luma[yp + xp] - luma[ym + xm] - 2 * luma[row + xm] - luma[yp + xm];
                int gy = luma[yp + xm] + 2 * luma[yp + x] + luma[yp + xp] - luma[ym + xm] - 2 * luma[ym + x] - luma[ym + xp];
                double edge = Math.min(1.0, Math.sqrt((double) gx * gx + (double) gy * gy) / 400.0);
                double keep = 1 - a;
                double dark = 1 - 0.8 * edge * a;
                int p = src[i];
                int r = (int) (((p >> 16 & 0xFF) * keep + (pc >> 16 & 0xFF) * a) * dark);
                int g = (int) (((p >> 8 & 0xFF) * keep + (pc >> 8 & 0xFF) * a) * dark);
                int b = (int) (((p & 0xFF) * keep + (pc & 0xFF) * a) * dark);
                dst[i] = 0xFF000000 | r << 16 | g << 8 | b;
            }
        }
    }

    /** Five colours from dark to light, picked by {@code key}. */
    static int[] palette(long key) {
        SplittableRandom r = new SplittableRandom(key);
        double hue = r.nextDouble();
        double spread = 0.08 + 0.25 * r.nextDouble();
        int[] out = new int[5];
        for (int k = 0; k < out.length; k++) {
            double t = k / (out.length - 1.0);
            out[k] = hsv((hue + spread * t) % 1.0, 0.75 - 0.35 * t, 0.12 + 0.86 * t);
        }
        return out;
    }

    private static int hsv(double h, double s, double v) {
        double c = v * s;
        double hp = h * 6;
        double x = c * (1 - Math.abs(hp % 2 - 1));
        double r = 0;
        double g = 0;
        double b = 0;
        switch ((int) hp) {
            case 0: r = c; g = x; break;
            case 1: r = x; g = c; break;
            case 2: g = c; b = x; break;
            case 3: g = x; b = c; break;
            case 4: r = x; b = c; break;
            default: r = c; b = x; break;
        }
        double m = v - c;
        return 0xFF000000 | (int) ((r + m) * 255) << 16 | (int) ((g + m) * 255) << 8 | (int) ((b + m) * 255);
    }

    @Override
    public void submit(int[] argb, int width, int height, long captureNanos) {
        input.publish(argb, width, height, 0, captureNanos, false);
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void setOutputListener(OutputListener listener) {
        this.listener = listener;
    }

    @Override
    public void applySettings(GenerationSettings settings) {
        this.settings = settings;
    }

    @Override
    public CompletableFuture<ModelInfo> loadModel(Path folder, DeviceChoice device) {
        return CompletableFuture.failedFuture(new IllegalStateException(
                "Cannot load " + folder + ": " + whyNoModel + "; the preview filter keeps running."));
    }

    @Override
    public ModelInfo model() {
        return info;
    }

    @Override
    public List<DeviceChoice> devices() {
        return List.of(DeviceChoice.CPU);
    }

    @Override
    public ServiceMetrics metrics() {
        return new ServiceMetrics(rate.perSecond(System.nanoTime()), latencyMs, input.dropped(), skipped);
    }

    @Override
    public void close() {
        running = false;
        Thread t = thread;
        thread = null;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LOG.info("preview filter stopped");
        }
    }
}
