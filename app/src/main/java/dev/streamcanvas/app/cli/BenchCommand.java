package dev.streamcanvas.app.cli;

import dev.streamcanvas.engine.model.DiffusionModel;
import dev.streamcanvas.engine.model.ModelLoadException;
import dev.streamcanvas.engine.stream.FilterSettings;
import dev.streamcanvas.engine.stream.FrameTimings;
import dev.streamcanvas.engine.stream.GuidanceMode;
import dev.streamcanvas.engine.stream.StreamSettings;
import dev.streamcanvas.engine.v2v.BankSettings;
import dev.streamcanvas.engine.v2v.FeatureBank;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code streamcanvas bench}: measures the stream engine on a model with synthetic input and prints per-stage
 * median times, fps, the Java overhead, and ratios measured in the same run (stream batch vs sequential, RCFG self
 * vs full CFG, initialize vs full, similarity-filter skip rate on a static vs a moving input).
 */
@Command(name = "bench", defaultValueProvider = SharedOptions.Defaults.class, mixinStandardHelpOptions = true,
        description = {"Benchmark the stream engine on a model folder with synthetic frames.",
            "Prints per-stage median ms, fps, Java overhead and same-run ratios of the StreamDiffusion techniques."})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StreamOptions common = new StreamOptions();

    @Mixin
    TemporalOptions temporal = new TemporalOptions();

    @Option(names = "--steps", defaultValue = "4", description = "Stream slots n. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Mixin
    SharedOptions.Frames framesOption;

    @Option(names = "--warmup", defaultValue = "1",
            description = "Unmeasured frames after each switch of configuration. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--roofline", description = "Also count the model's FLOPs per frame (Conv/MatMul/Gemm) and measure "
            + "this CPU's fp32 GEMM rate through ONNX Runtime in the same run.")
    boolean roofline;

    @Option(names = "--soak", paramLabel = "N", description = "Instead of the phases: stream N frames through the "
            + "live engine (prompt, strength and seed change every 1000 frames, similarity filter on) and print fps and "
            + "memory (heap after GC, RSS, native) every 1000 frames.")
    Integer soak;

    @Option(names = "--switches", paramLabel = "N", description = "Instead of the phases: switch N times between "
            + "--model and --switch-to, printing memory every N/10 switches.")
    Integer switches;

    @Option(names = "--switch-to", paramLabel = "DIR", description = "The second model folder of --switches.")
    java.nio.file.Path switchTo;

    /** Measured frames per block of the interleaved timing phases. */
    private static final int BLOCK = 5;
    /** The first phases (timed, interleaved); the filter phases follow. */
    private static final int TIMED = 6;

    /** One measured configuration; {@code freshTensors}: allocate ORT tensors per call instead of reusing them. */
    record Phase(String name, StreamSettings settings, boolean moving, boolean freshTensors) {
        Phase(String name, StreamSettings settings, boolean moving) {
            this(name, settings, moving, false);
        }
    }

    /** Results of one phase. */
    record Result(Phase phase, List<FrameTimings> timings) {
        double median(ToDoubleFunction<FrameTimings> f) {
            double[] v = timings.stream().filter(t -> !t.skipped()).mapToDouble(f).sorted().toArray();
            if (v.length == 0) {
                return 0;
            }
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }

        double skipRate() {
            return timings.stream().filter(FrameTimings::skipped).count() / (double) Math.max(1, timings.size());
        }

        double javaPercent() {
            return median(FrameTimings::javaOverheadPercent);
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (steps < 1 || steps > StreamSettings.MAX_SLOTS) {
            throw new ParameterException(spec.commandLine(), "--steps must be 1.." + StreamSettings.MAX_SLOTS + ", got " + steps);
        }
        if (framesOption.frames < 1) {
            throw new ParameterException(spec.commandLine(), "--frames must be >= 1, got " + framesOption.frames);
        }
        if (warmup < 0) {
            throw new ParameterException(spec.commandLine(), "--warmup must be >= 0, got " + warmup);
        }
        if (soak != null || switches != null) {
            return longRun(out, err);
        }
        DiffusionModel model;
        try {
            model = DiffusionModel.load(common.model, common.device, common.tinyVae, temporal.enabled);
        } catch (ModelLoadException e) {
            err.println("bench: " + e.getMessage());
            return 2;
        }
        if (temporal.enabled && model.featureBank() == null) {
            model.close();
            err.println("bench: --temporal: the UNet of " + common.model + " cannot take a feature bank (see the log)");
            return 2;
        }
        int[] size = common.sizeOr(model.fixedSize());
        StreamSettings base;
        try {
            base = StreamSettings.builder().prompt("a portrait in the style of a watercolor painting")
                    .negativePrompt("blurry, low quality").strength(0.6).slots(steps).size(size[0], size[1])
                    .directStep(model.singleStep()).guidance(GuidanceMode.NONE).build();
        } catch (IllegalArgumentException e) { // a setting out of the engine's range, named by the engine
            model.close();
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        FilterSettings filter = FilterSettings.on(0.98, 10);
        List<Phase> banked = new ArrayList<>();
        if (temporal.enabled) {
            try {
                BankSettings on = temporal.settings(true);
                banked.add(new Phase("bank off (edited graph)", base, true));
                banked.add(new Phase("bank on", base.toBuilder().temporal(on).build(), true));
                banked.add(new Phase("bank on, no fusion", base.toBuilder().temporal(on.withFusionStrength(0f)).build(),
                        true));
            } catch (IllegalArgumentException e) {
                model.close();
                err.println("bench: " + e.getMessage());
                return 2;
            }
        }
        List<Phase> phases = List.of(
                new Phase("stream batch, none", base, true),
                new Phase("sequential, none", base.toBuilder().denoisingBatch(false).build(), true),
                new Phase("batch, RCFG self", base.toBuilder().guidance(GuidanceMode.SELF).build(), true),
                new Phase("batch, RCFG initialize", base.toBuilder().guidance(GuidanceMode.INITIALIZE).build(), true),
                new Phase("batch, full CFG", base.toBuilder().guidance(GuidanceMode.FULL).build(), true),
                new Phase("batch, none, fresh tensors", base, true, true),
                new Phase("filter on, static input", base.toBuilder().guidance(GuidanceMode.SELF).filter(filter).build(),
                        false),
                new Phase("filter on, moving input", base.toBuilder().guidance(GuidanceMode.SELF).filter(filter).build(),
                        true));
        String runtime = model.runtimeStatus();
        List<Result> results = new ArrayList<>();
        try (Cancellation cancel = new Cancellation(); SyncStream stream = new SyncStream(base, false)) {
            stream.setModel(model);
            int w = size[0];
            int h = size[1];
            // timing phases run interleaved in short blocks, so load from other processes hits them alike;
            // the similarity-filter phases need long runs of consecutive frames and run afterwards
            List<Phase> timed = phases.subList(0, TIMED);
            List<List<FrameTimings>> collected = new ArrayList<>();
            for (int i = 0; i < phases.size(); i++) {
                collected.add(new ArrayList<>());
            }
            int blocks = (framesOption.frames + BLOCK - 1) / BLOCK;
            ConsoleProgress progress = new ConsoleProgress(err, "bench",
                    blocks * (timed.size() + banked.size()) + 2 * (framesOption.frames + warmup));
            int done = 0;
            int[] clock = new int[1];
            for (int b = 0; b < blocks; b++) {
                for (int i = 0; i < timed.size(); i++) {
                    int want = Math.min(BLOCK, framesOption.frames - collected.get(i).size());
                    model.runner().setFreshTensors(timed.get(i).freshTensors());
                    boolean ok = runFrames(stream, timed.get(i), warmup, want, w, h, clock, cancel, collected.get(i));
                    model.runner().setFreshTensors(false);
                    if (!ok) {
                        progress.finish();
                        err.println("bench: cancelled");
                        return 130;
                    }
                    progress.update(++done, timed.get(i).name());
                }
            }
            for (int i = TIMED; i < phases.size(); i++) {
                if (!runFrames(stream, phases.get(i), warmup, framesOption.frames, w, h, clock, cancel, collected.get(i))) {
                    progress.finish();
                    err.println("bench: cancelled");
                    return 130;
                }
                done += framesOption.frames + warmup;
                progress.update(done, phases.get(i).name());
            }
            // the feature-bank phases, interleaved among themselves like the timing phases
            List<List<FrameTimings>> bankCollected = new ArrayList<>();
            for (int i = 0; i < banked.size(); i++) {
                bankCollected.add(new ArrayList<>());
            }
            for (int b = 0; b < blocks && !banked.isEmpty(); b++) {
                for (int i = 0; i < banked.size(); i++) {
                    int want = Math.min(BLOCK, framesOption.frames - bankCollected.get(i).size());
                    if (!runFrames(stream, banked.get(i), warmup, want, w, h, clock, cancel, bankCollected.get(i))) {
                        progress.finish();
                        err.println("bench: cancelled");
                        return 130;
                    }
                    progress.update(++done, banked.get(i).name());
                }
            }
            progress.finish();
            for (int i = 0; i < phases.size(); i++) {
                results.add(new Result(phases.get(i), collected.get(i)));
            }
            for (int i = 0; i < banked.size(); i++) {
                results.add(new Result(banked.get(i), bankCollected.get(i)));
            }
        } catch (Exception e) {
            err.println("bench: " + e.getMessage());
            return 1;
        }
        print(out, model.name(), runtime, size, results);
        if (!banked.isEmpty()) {
            printBank(out, results.subList(phases.size(), results.size()), model.featureBank());
        }
        if (roofline) {
            try {
                printRoofline(out, model, size, results.get(0).median(FrameTimings::totalMs));
            } catch (Exception e) {
                err.println("bench: roofline: " + e.getMessage());
                return 1;
            }
        }
        return 0;
    }

    /** {@code --soak} or {@code --switches} ({@link SoakBench}). */
    private int longRun(PrintWriter out, PrintWriter err) {
        if (soak != null && soak < 1) {
            throw new ParameterException(spec.commandLine(), "--soak needs a count >= 1, got " + soak);
        }
        if (switches != null && switches < 1) {
            throw new ParameterException(spec.commandLine(), "--switches needs a count >= 1, got " + switches);
        }
        if (switches != null && switchTo == null) {
            throw new ParameterException(spec.commandLine(), "--switches needs --switch-to DIR (the second model folder)");
        }
        try (Cancellation cancel = new Cancellation()) {
            return soak != null ? SoakBench.soak(out, err, common, steps, soak, cancel)
                    : SoakBench.switches(out, err, common, switchTo, switches, cancel);
        } catch (ModelLoadException e) {
            err.println("bench: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("bench: " + e.getMessage());
            return 1;
        }
    }

    /**
     * FLOPs per frame of the measured "stream batch, none" configuration (encode 1 frame, one UNet call over the n
     * slots, decode 1 frame; the text encoder is cached), against the GEMM rate measured now.
     */
    private void printRoofline(PrintWriter out, DiffusionModel model, int[] size, double frameMs) throws Exception {
        int f = model.codec().factor();
        int h = size[1] / f;
        int w = size[0] / f;
        long enc = dev.streamcanvas.engine.model.FlopCounter.count(model.vae().encoder().graph().file(),
                shapes(model.vae().encoder().graph().inputs(), 1, size[1], size[0]));
        long unet = dev.streamcanvas.engine.model.FlopCounter.count(model.unet().graph().file(),
                shapes(model.unet().graph().inputs(), steps, h, w));
        long dec = dev.streamcanvas.engine.model.FlopCounter.count(model.vae().decoder().graph().file(),
                shapes(model.vae().decoder().graph().inputs(), 1, h, w));
        double peak = dev.streamcanvas.engine.model.GemmPeak.measure(1024, 5);
        long total = enc + unet + dec;
        double achieved = total / (frameMs * 1e6);
        out.println("roofline (Conv/MatMul/Gemm FLOPs; elementwise ops not counted):");
        out.printf(Locale.ROOT, "  per frame: encode %.1f MFLOP + unet %.1f MFLOP (%d slots) + decode %.1f MFLOP = %.2f GFLOP%n",
                enc / 1e6, unet / 1e6, steps, dec / 1e6, total / 1e9);
        out.printf(Locale.ROOT, "  CPU fp32 GEMM through ONNX Runtime (1024^3, best of 5, same run): %.1f GFLOP/s%n", peak);
        out.printf(Locale.ROOT, "  achieved in 'stream batch, none': %.1f GFLOP/s = %.0f %% of the GEMM rate; "
                + "GEMM-bound frame rate limit %.0f fps%n", achieved, 100 * achieved / peak, peak * 1e9 / total);
        out.flush();
    }

    /** Input shapes for a graph: the declared ones with the batch axis set to {@code batch} and free spatial axes to h, w. */
    private static java.util.Map<String, long[]> shapes(List<dev.streamcanvas.engine.onnx.TensorInfo> inputs, int batch,
            int h, int w) {
        java.util.Map<String, long[]> m = new java.util.HashMap<>();
        for (dev.streamcanvas.engine.onnx.TensorInfo t : inputs) {
            long[] s = t.shape().clone();
            if (s.length > 0 && s[0] < 0) {
                s[0] = batch;
            }
            if (s.length == 4) {
                s[2] = s[2] < 0 ? h : s[2];
                s[3] = s[3] < 0 ? w : s[3];
            }
            for (int i = 0; i < s.length; i++) {
                if (s[i] < 0) {
                    throw new IllegalArgumentException("input " + t.name() + " has a free axis " + i + " the bench cannot size");
                }
            }
            m.put(t.name(), s);
        }
        return m;
    }

    /**
     * Switches to {@code p}, restarts the stream, runs {@code warm} unmeasured and {@code count} measured frames.
     * A moving input advances {@code clock}; false when cancelled.
     */
    private static boolean runFrames(SyncStream stream, Phase p, int warm, int count, int w, int h, int[] clock,
            Cancellation cancel, List<FrameTimings> into) throws Exception {
        stream.apply(p.settings());
        stream.engine().resetStream();
        for (int k = 0; k < warm + count; k++) {
            if (cancel.cancelled()) {
                return false;
            }
            int[] px = frame(w, h, p.moving() ? clock[0]++ : 0);
            SyncStream.Output o = stream.run(px, w, h);
            if (k >= warm) {
                into.add(o.timings());
            }
        }
        return true;
    }

    private void print(PrintWriter out, String model, String runtime, int[] size, List<Result> r) {
        out.printf(Locale.ROOT, "bench: model %s on %s, %dx%d, %d steps, %d frames per phase (interleaved in blocks "
                + "of " + BLOCK + ", %d warm-up after each switch), %d cores%n",
                model, runtime, size[0], size[1], steps, framesOption.frames, warmup, Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "%-26s %8s %7s %7s %8s %7s %7s %7s %7s %6s %6s%n", "phase (median ms)", "frame",
                "prep", "encode", "unet", "decode", "post", "wait", "fps", "java%", "skip%");
        for (Result x : r) {
            double total = x.median(FrameTimings::totalMs);
            out.printf(Locale.ROOT, "%-26s %8.2f %7.2f %7.2f %8.2f %7.2f %7.2f %7.2f %7.1f %6.1f %6.1f%n",
                    x.phase().name(), total, x.median(FrameTimings::preprocessMs), x.median(FrameTimings::encodeMs),
                    x.median(FrameTimings::unetMs), x.median(FrameTimings::decodeMs),
                    x.median(FrameTimings::postprocessMs), x.median(FrameTimings::queueWaitMs),
                    total > 0 ? 1000.0 / total : 0, x.javaPercent(), 100 * x.skipRate());
        }
        double batch = r.get(0).median(FrameTimings::totalMs);
        double seq = r.get(1).median(FrameTimings::totalMs);
        double self = r.get(2).median(FrameTimings::totalMs);
        double init = r.get(3).median(FrameTimings::totalMs);
        double full = r.get(4).median(FrameTimings::totalMs);
        out.println("ratios (same run, median frame time):");
        out.printf(Locale.ROOT, "  stream batch vs sequential (%d steps): %.2fx  (unet only %.2fx)%n", steps,
                seq / batch, r.get(1).median(FrameTimings::unetMs) / r.get(0).median(FrameTimings::unetMs));
        out.printf(Locale.ROOT, "  RCFG self vs full CFG:                %.2fx  (unet only %.2fx)%n", full / self,
                r.get(4).median(FrameTimings::unetMs) / r.get(2).median(FrameTimings::unetMs));
        out.printf(Locale.ROOT, "  RCFG initialize vs full CFG:          %.2fx  (unet only %.2fx)%n", full / init,
                r.get(4).median(FrameTimings::unetMs) / r.get(3).median(FrameTimings::unetMs));
        out.printf(Locale.ROOT, "  reused tensors vs fresh per call:     %.2fx  (unet only %.2fx)%n",
                r.get(5).median(FrameTimings::totalMs) / batch,
                r.get(5).median(FrameTimings::unetMs) / r.get(0).median(FrameTimings::unetMs));
        out.printf(Locale.ROOT, "  similarity filter skip rate:          static %.0f%% vs moving %.0f%%%n",
                100 * r.get(6).skipRate(), 100 * r.get(7).skipRate());
        out.flush();
    }

    /**
     * The feature-bank lines: mean times (updates happen every interval-th call, so the median alone would hide
     * the merge), the same-run ratios, and the merge cost per update from the bank's own clock.
     */
    private void printBank(PrintWriter out, List<Result> r, FeatureBank bank) {
        out.printf(Locale.ROOT, "feature bank (%d layers, %d with fusion; interval %d, fusion %s at %s, merge ratio %s):%n",
                bank.layout().size(), bank.layout().fusionCount(), temporal.interval, temporal.strength,
                temporal.threshold, temporal.mergeRatio);
        double[] frame = new double[r.size()];
        double[] unet = new double[r.size()];
        for (int i = 0; i < r.size(); i++) {
            frame[i] = r.get(i).timings().stream().mapToDouble(FrameTimings::totalMs).average().orElse(0);
            unet[i] = r.get(i).timings().stream().mapToDouble(FrameTimings::unetMs).average().orElse(0);
            out.printf(Locale.ROOT, "  %-26s mean frame %8.2f ms (%6.1f fps), mean unet %8.2f ms%n", r.get(i).phase().name(),
                    frame[i], frame[i] > 0 ? 1000 / frame[i] : 0, unet[i]);
        }
        out.printf(Locale.ROOT, "  bank on vs off:            %.2fx frame time (unet %.2fx)%n", frame[1] / frame[0],
                unet[1] / unet[0]);
        out.printf(Locale.ROOT, "  fusion (on vs no fusion):  %+.2f ms per UNet call%n", unet[1] - unet[2]);
        out.printf(Locale.ROOT, "  merge:                     %.2f ms per update (%d merges, Java, engine thread)%n",
                bank.merges() == 0 ? 0 : bank.mergeNanos() / 1e6 / bank.merges(), bank.merges());
        out.flush();
    }

    /** A synthetic frame: a colour gradient with a square that moves with {@code t} (t = 0 for a static input). */
    static int[] frame(int w, int h, int t) {
        int[] px = new int[w * h];
        int sq = Math.max(2, Math.min(w, h) / 4);
        int sx = (t * 3) % Math.max(1, w - sq);
        int sy = (t * 2) % Math.max(1, h - sq);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (x * 255 / Math.max(1, w - 1) + t * 7) & 0xff;
                int g = y * 255 / Math.max(1, h - 1);
                int b = ((x + y + t * 5) * 3) & 0xff;
                boolean inSquare = x >= sx && x < sx + sq && y >= sy && y < sy + sq;
                px[y * w + x] = inSquare ? 0xffffffff : 0xff000000 | (r << 16) | (g << 8) | b;
            }
        }
        return px;
    }
}
