package dev.streamcanvas.app.cli;

import dev.streamcanvas.app.calib.CalibResultFile;
import dev.streamcanvas.engine.calib.CalibBenchmark;
import dev.streamcanvas.engine.calib.CalibFrame;
import dev.streamcanvas.engine.calib.CalibProgress;
import dev.streamcanvas.engine.calib.CalibSequence;
import dev.streamcanvas.engine.calib.Calibrator;
import dev.streamcanvas.engine.calib.Extrinsic;
import dev.streamcanvas.engine.calib.GroundTruth;
import dev.streamcanvas.engine.calib.Intrinsics;
import dev.streamcanvas.engine.calib.KittiIo;
import dev.streamcanvas.engine.calib.Overlay;
import dev.streamcanvas.engine.io.Png;
import dev.streamcanvas.engine.calib.SequenceIo;
import dev.streamcanvas.engine.calib.SolveOptions;
import dev.streamcanvas.engine.calib.SolveResult;
import dev.streamcanvas.engine.calib.SynthOptions;
import dev.streamcanvas.engine.calib.SyntheticSequence;
import dev.streamcanvas.engine.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streamcanvas calib}: camera-LIDAR extrinsic and time-offset calibration (synthetic data, solve, benchmark). */
@Command(name = "calib", mixinStandardHelpOptions = true,
        description = "Camera-LIDAR calibration from semantic segmentation: extrinsic (rotation, translation) and time offset.",
        subcommands = {CalibCommand.Synth.class, CalibCommand.Solve.class, CalibCommand.Bench.class})
public final class CalibCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println("usage: streamcanvas calib (synth | solve | bench) --help");
        return 0;
    }

    /** A solve's progress on the console bar (at most five redraws a second), on the command's error stream. */
    static final class Bar implements CalibProgress {
        private final ConsoleProgress bar;
        private long lastPrint;

        Bar(CommandSpec spec, String prefix) {
            bar = new ConsoleProgress(spec.commandLine().getErr(), prefix, 1);
        }

        @Override
        public void update(String stage, double fraction, double loss) {
            long now = System.nanoTime();
            if (now - lastPrint < 200_000_000L && fraction < 1) {
                return;
            }
            lastPrint = now;
            String l = Double.isFinite(loss) ? String.format(Locale.ROOT, "  loss %.4f", loss) : "";
            bar.fraction(fraction, String.format(Locale.ROOT, "%-32s%s   ", stage, l));
            if (fraction >= 1) {
                bar.finish();
            }
        }
    }

    static SynthOptions.Noise parseNoise(String spec) {
        if (spec == null || spec.equalsIgnoreCase("none")) {
            return SynthOptions.Noise.NONE;
        }
        if (spec.equalsIgnoreCase("realistic")) {
            return SynthOptions.Noise.realistic();
        }
        double[] v = new double[6];
        String[] keys = {"mask", "edge", "bleed", "flip", "range", "flow"};
        for (String part : spec.split(",")) {
            String[] kv = part.split("=");
            int k = kv.length == 2 ? List.of(keys).indexOf(kv[0].trim()) : -1;
            if (k < 0) {
                throw new IllegalArgumentException("--noise: expected none, realistic or key=value pairs with keys "
                        + String.join(", ", keys) + "; got '" + part + "'");
            }
            v[k] = Double.parseDouble(kv[1].trim());
        }
        return new SynthOptions.Noise(v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    static double[] parseList(String s, String option) {
        if (s == null) {
            return null;
        }
        String[] p = s.split(",");
        double[] v = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            try {
                v[i] = Double.parseDouble(p[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + ": '" + p[i] + "' is not a number");
            }
        }
        return v;
    }

    static String describe(SolveResult r) {
        StringBuilder sb = new StringBuilder();
        Extrinsic e = r.estimate();
        double[] w = Extrinsic.axisAngle(e.r());
        sb.append(String.format(Locale.ROOT, "estimate: axis-angle (deg) %.4f %.4f %.4f, translation (m) %.4f %.4f %.4f%n",
                Math.toDegrees(w[0]), Math.toDegrees(w[1]), Math.toDegrees(w[2]), e.t(0), e.t(1), e.t(2)));
        String status = switch (r.deltaStatus()) {
            case DETERMINED -> String.format(Locale.ROOT, "determined, +-%.1f ms", r.deltaSpreadMs());
            case POORLY_DETERMINED -> String.format(Locale.ROOT,
                    "POORLY DETERMINED: it trades against translation (profile spread %.1f ms); vary the speed and"
                            + " include stopped frames", r.deltaSpreadMs());
            case FIXED -> "held fixed (not estimated)";
            case NO_MOTION -> "not estimated: no moving frame";
        };
        sb.append(String.format(Locale.ROOT, "time offset t_lidar - t_camera: %.2f ms (%s)%n", r.deltaMs(), status));
        sb.append(String.format(Locale.ROOT, "loss: %.4f before, %.4f after; %d evaluations, %.1f s%n", r.lossBefore(),
                r.lossAfter(), r.evaluations(), r.seconds()));
        sb.append("stopped frames: ").append(r.stoppedFrames().isEmpty() ? "none" : String.join(" ", r.stoppedFrames()))
                .append('\n');
        if (r.truth() != null) {
            double[] b = r.initialErrors();
            double[] xyz = r.translationErrorCmXyz();
            sb.append(String.format(Locale.ROOT,
                    "error vs truth: rotation %.3f deg (was %.3f), translation %.2f cm (was %.2f; camera x/y/z %.2f %.2f"
                            + " %.2f), time offset %.2f ms (was %.2f)%n",
                    r.rotationErrorDeg(), b[0], r.translationErrorCm(), b[1], xyz[0], xyz[1], xyz[2], r.deltaErrorMs(), b[2]));
        }
        return sb.toString();
    }

    static void writeOverlays(Path out, CalibSequence seq, CalibFrame f, SolveResult r, SolveOptions o) throws IOException {
        Intrinsics cam = seq.camera();
        Png.writeRgb(out.resolve(CalibResultFile.OVERLAY_BEFORE), cam.width(), cam.height(),
                Overlay.render(cam, f, r.initial(), r.initialDeltaMs(), o.labelMap()));
        Png.writeRgb(out.resolve(CalibResultFile.OVERLAY_AFTER), cam.width(), cam.height(),
                Overlay.render(cam, f, r.estimate(), r.deltaMs(), o.labelMap()));
    }

    /** The first moving frame (overlays show the time offset there), else the first frame. */
    static CalibFrame overlayFrame(CalibSequence seq, SolveResult r, String name) {
        for (CalibFrame f : seq.frames()) {
            if (name != null ? f.name().equals(name) : !r.stoppedFrames().contains(f.name())) {
                return f;
            }
        }
        if (name != null) {
            throw new IllegalArgumentException("--overlay-frame: no frame named " + name);
        }
        return seq.frames().get(0);
    }

    @Command(name = "synth", defaultValueProvider = SharedOptions.Defaults.class, mixinStandardHelpOptions = true,
            description = "Write a synthetic KITTI-like sequence (masks, flow, labelled velodyne scans, calib with an"
                    + " initial guess, truth).")
    static final class Synth implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        SharedOptions.OutputFolder outFolder;
        @Mixin
        SharedOptions.Seed seedOption;
        @Mixin
        SharedOptions.Frames framesOption;
        @Option(names = "--offset-ms", defaultValue = "60", description = "true time offset t_lidar - t_camera (default ${DEFAULT-VALUE})")
        double offsetMs;
        @Option(names = "--noise", defaultValue = "none",
                description = "none, realistic, or key=value pairs: mask (px), edge, bleed, flip (probabilities), range (m), flow (relative)")
        String noise;
        @Option(names = "--speeds", description = "ego speed per frame, m/s, comma-separated (default: a third stopped, rest 5-20 m/s)")
        String speeds;
        @Option(names = "--constant-speed", description = "every frame at this speed (m/s): the unobservable-offset control")
        Double constantSpeed;
        @Mixin
        SharedOptions.ImageScale scaleOption;
        @Option(names = "--beams", defaultValue = "64", description = "LIDAR beams")
        int beams;
        @Option(names = "--azimuth-step", defaultValue = "0.17", description = "LIDAR azimuth step, degrees")
        double azStep;
        @Option(names = "--init-error", defaultValue = "5,20", description = "initial guess error written to calib.txt: degrees,cm")
        String initError;

        @Override
        public Integer call() {
            try {
                return run();
            } catch (IOException | IllegalArgumentException e) {
                spec.commandLine().getErr().println("calib synth: " + e.getMessage());
                return 2;
            }
        }

        private Integer run() throws IOException {
            double[] sp = parseList(speeds, "--speeds");
            if (constantSpeed != null) {
                sp = new double[framesOption.frames];
                java.util.Arrays.fill(sp, constantSpeed);
            }
            double[] ie = parseList(initError, "--init-error");
            if (ie.length != 2) {
                throw new IllegalArgumentException("--init-error: expected degrees,cm");
            }
            SynthOptions o = new SynthOptions(seedOption.seed, framesOption.frames, offsetMs, sp, parseNoise(noise), scaleOption.scale, beams, azStep, ie[0], ie[1]);
            Bar bar = new Bar(spec, "synth ");
            CalibSequence seq = SyntheticSequence.generate(o, k -> bar.update("frame " + (k + 1) + "/" + framesOption.frames,
                    (k + 1.0) / (framesOption.frames + 1), Double.NaN));
            SequenceIo.write(outFolder.out, seq);
            StringBuilder speedsTxt = new StringBuilder("# frame speed_mps\n");
            double[] prof = o.speedProfile();
            for (int k = 0; k < framesOption.frames; k++) {
                speedsTxt.append(String.format(Locale.ROOT, "%06d %.3f%n", k, prof[k]));
            }
            AtomicFiles.write(outFolder.out.resolve("speeds.txt"), speedsTxt.toString().getBytes(StandardCharsets.UTF_8));
            bar.update("written", 1, Double.NaN);
            spec.commandLine().getOut().printf(Locale.ROOT, "wrote %d frames (%dx%d) to %s; true time offset %.1f ms; calib.txt holds a guess"
                    + " %.1f deg / %.1f cm off%n", framesOption.frames, seq.camera().width(), seq.camera().height(), outFolder.out, offsetMs, ie[0], ie[1]);
            return 0;
        }
    }

    @Command(name = "solve", mixinStandardHelpOptions = true,
            description = "Estimate the extrinsic and time offset of a sequence; print it, the error against truth.txt"
                    + " when present, and write overlays + result.json.")
    static final class Solve implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--data", required = true, description = "sequence folder (calib.txt, velodyne/, labels/, mask_2/, flow_2/)")
        Path data;
        @Option(names = "--init", defaultValue = "calib",
                description = "starting guess: calib (calib.txt), truth (truth.txt), or perturb:DEG,CM[,SEED] (truth moved by that much)")
        String init;
        @Option(names = "--init-offset-ms", defaultValue = "0", description = "starting time offset (default ${DEFAULT-VALUE})")
        double initOffsetMs;
        @Option(names = "--no-time", description = "do not estimate the time offset (the 'delta ignored' control)")
        boolean noTime;
        @Option(names = "--frames", defaultValue = "0", description = "use at most this many frames (0: all)")
        int maxFrames;
        @Option(names = "--classes", description = "class ids to use, comma-separated (default: those in both masks and labels)")
        String classes;
        @Option(names = "--ring-spacing-deg", defaultValue = "0.42", description = "LIDAR ring spacing (HDL-64E 0.42)")
        double ringSpacing;
        @Option(names = "--out", description = "result folder (default DATA/calib_result)")
        Path out;
        @Option(names = "--overlay-frame", description = "frame name for the overlays (default: first moving frame)")
        String overlayFrame;

        @Override
        public Integer call() {
            try (Cancellation cancel = new Cancellation()) {
                return run(cancel);
            } catch (IOException | IllegalArgumentException e) {
                spec.commandLine().getErr().println("calib solve: " + e.getMessage());
                return 2;
            }
        }

        private Integer run(Cancellation cancel) throws IOException {
            if (maxFrames < 0) {
                throw new IllegalArgumentException("--frames must be 0 (all frames) or a positive count, got "
                        + maxFrames);
            }
            CalibSequence seq = SequenceIo.read(data, maxFrames);
            Extrinsic start = startGuess(seq, init);
            SolveOptions d = SolveOptions.defaults();
            int[] cls = classes == null ? null : java.util.Arrays.stream(parseList(classes, "--classes"))
                    .mapToInt(v -> (int) v).toArray();
            SolveOptions o = new SolveOptions(!noTime, initOffsetMs, d.maxDeltaMs(), ringSpacing, d.pointCapPx(),
                    d.maskCapPx(), d.bandPx(), d.sampleStride(), d.stoppedFlowPxS(), d.labelMap(), cls, true);
            SolveResult r;
            try {
                r = Calibrator.solve(seq, start, o, new Bar(spec, "solve "), cancel::cancelled);
            } catch (CancellationException e) {
                spec.commandLine().getErr().println("\ncancelled");
                return 130;
            }
            PrintWriter pw = spec.commandLine().getOut();
            pw.print(describe(r));
            Path dir = out != null ? out : data.resolve("calib_result");
            CalibFrame f = overlayFrame(seq, r, overlayFrame);
            writeOverlays(dir, seq, f, r, o);
            CalibResultFile.write(dir, data, f.name(), r);
            KittiIo.writeCalib(dir.resolve("calib_estimated.txt"), new KittiIo.Calib(seq.camera(), r.estimate()));
            AtomicFiles.write(dir.resolve("time_offset_ms.txt"),
                    String.format(Locale.ROOT, "time_offset_ms: %.4f%n", r.deltaMs()).getBytes(StandardCharsets.UTF_8));
            pw.println("wrote " + dir.resolve(CalibResultFile.FILE_NAME) + ", overlays (frame " + f.name()
                    + ") and calib_estimated.txt");
            pw.flush();
            return 0;
        }
    }

    static Extrinsic startGuess(CalibSequence seq, String init) {
        if (init.equals("calib")) {
            return seq.initial();
        }
        if (init.equals("truth") || init.startsWith("perturb:")) {
            if (seq.truth() == null) {
                throw new IllegalArgumentException("--init " + init + " needs truth.txt in the data folder");
            }
            if (init.equals("truth")) {
                return seq.truth().extrinsic();
            }
            double[] v = parseList(init.substring(8), "--init");
            if (v.length < 2 || v.length > 3) {
                throw new IllegalArgumentException("--init perturb:DEG,CM[,SEED], got " + init);
            }
            SplittableRandom rnd = new SplittableRandom(v.length == 3 ? (long) v[2] : 1);
            return perturb(seq.truth().extrinsic(), v[0], v[1], rnd);
        }
        throw new IllegalArgumentException("--init: expected calib, truth or perturb:DEG,CM[,SEED], got " + init);
    }

    static Extrinsic perturb(Extrinsic e, double deg, double cm, SplittableRandom rnd) {
        double[] a = unit(rnd);
        double[] b = unit(rnd);
        double rad = Math.toRadians(deg);
        return e.perturbed(new double[] {a[0] * rad, a[1] * rad, a[2] * rad},
                new double[] {b[0] * cm / 100, b[1] * cm / 100, b[2] * cm / 100});
    }

    private static double[] unit(SplittableRandom rnd) {
        while (true) {
            double x = rnd.nextDouble(-1, 1);
            double y = rnd.nextDouble(-1, 1);
            double z = rnd.nextDouble(-1, 1);
            double n = Math.sqrt(x * x + y * y + z * z);
            if (n > 0.1 && n <= 1) {
                return new double[] {x / n, y / n, z / n};
            }
        }
    }

    @Command(name = "bench", defaultValueProvider = SharedOptions.Defaults.class, mixinStandardHelpOptions = true,
            description = "Accuracy benchmark: synthesise and solve several seeds (clean and noisy) plus the two control"
                    + " cases, write accuracy.md / accuracy.csv and the overlays of the first seed.")
    static final class Bench implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        SharedOptions.OutputFolder outFolder;
        @Option(names = "--seeds", defaultValue = "5", description = "seeds 1..N (default ${DEFAULT-VALUE})")
        int seeds;
        @Mixin
        SharedOptions.Frames framesOption;
        @Option(names = "--noise", defaultValue = "both", description = "none, realistic or both")
        String noise;
        @Mixin
        SharedOptions.ImageScale scaleOption;
        @Option(names = "--no-controls", description = "skip the constant-speed and delta-ignored controls")
        boolean noControls;
        @Option(names = "--control-speed", defaultValue = "10", description = "speed of the control sequences, m/s")
        double controlSpeed;
        @Option(names = "--ablations", description = "instead: seeds (clean unless --noise) solved with each prototype 'fact' switched off"
                + " (no 3 px cap, no ring-gap allowance, no LIDAR-row limit), written to ablation.md")
        boolean ablations;

        @Override
        public Integer call() {
            try (Cancellation c = new Cancellation()) {
                cancel = c;
                return ablations ? ablationRun() : run();
            } catch (CancellationException e) {
                spec.commandLine().getErr().println("\ncancelled");
                return 130;
            } catch (IOException | IllegalArgumentException e) {
                spec.commandLine().getErr().println("calib bench: " + e.getMessage());
                return 2;
            }
        }

        private Cancellation cancel;

        /** Progress bar per solve and one summary line per finished solve, on the error stream. */
        private CalibBenchmark.Listener listener(boolean overlays) {
            return new CalibBenchmark.Listener() {
                @Override
                public CalibProgress progress(int run, int total) {
                    return new Bar(spec, String.format(Locale.ROOT, "run %d/%d ", run, total));
                }

                @Override
                public void solved(CalibBenchmark.Case c, CalibSequence seq) {
                    SolveResult r = c.result();
                    spec.commandLine().getErr().printf(Locale.ROOT,
                            "%s seed %d (%s): rotation %.3f deg, translation %.2f cm, delta %.2f ms (%s)%n", c.name(),
                            c.options().seed(), c.noise(), r.rotationErrorDeg(), r.translationErrorCm(), r.deltaErrorMs(),
                            status(r));
                    if (overlays && c.name().equals("seeds") && c.options().seed() == 1) {
                        try {
                            Path dir = outFolder.out.resolve("seed1-" + c.noise());
                            CalibFrame f = overlayFrame(seq, r, null);
                            writeOverlays(dir, seq, f, r, c.solve());
                            CalibResultFile.write(dir, Path.of("(in memory: seed 1)"), f.name(), r);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                }
            };
        }

        private static String status(SolveResult r) {
            return r.deltaStatus().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }

        private Integer ablationRun() throws IOException {
            SynthOptions.Noise ablationNoise = parseNoise(noise.equals("both") ? "none" : noise);
            List<CalibBenchmark.Case> cases = CalibBenchmark.ablation(seeds, framesOption.frames, ablationNoise, scaleOption.scale,
                    listener(false), cancel::cancelled);
            List<String> md = new ArrayList<>();
            md.add("| variant | seed | rotation error (°) | translation error (cm) | δ error (ms) | δ status | wall (s) |");
            md.add("|---|---|---|---|---|---|---|");
            for (int v = 0; v < cases.size(); v += seeds) {
                double[] worst = new double[3];
                String name = cases.get(v).name();
                for (CalibBenchmark.Case c : cases.subList(v, v + seeds)) {
                    SolveResult r = c.result();
                    for (int k = 0; k < 3; k++) {
                        worst[k] = Math.max(worst[k], c.errors()[k]);
                    }
                    md.add(String.format(Locale.ROOT, "| %s | %d | %.3f | %.2f | %.2f | %s | %.1f |", name, c.options().seed(),
                            r.rotationErrorDeg(), r.translationErrorCm(), r.deltaErrorMs(), statusCell(r), r.seconds()));
                }
                md.add(String.format(Locale.ROOT, "| **%s: worst** | | %.3f | %.2f | %.2f | | |", name, worst[0], worst[1],
                        worst[2]));
            }
            String header = String.format(Locale.ROOT, "Ablation on synthetic sequences (noise %s, %d frames, %s): each row switches"
                    + " one ingredient off.%n%n", ablationNoise.isNone() ? "none" : noise, framesOption.frames,
                    scaleOption.scale == 1 ? "1242×375" : "image scale " + scaleOption.scale);
            AtomicFiles.write(outFolder.out.resolve("ablation.md"), (header + String.join("\n", md) + "\n").getBytes(StandardCharsets.UTF_8));
            spec.commandLine().getOut().println(header + String.join("\n", md));
            spec.commandLine().getOut().flush();
            return 0;
        }

        private static String statusCell(SolveResult r) {
            return status(r) + (Double.isFinite(r.deltaSpreadMs())
                    ? String.format(Locale.ROOT, " (±%.1f)", r.deltaSpreadMs()) : "");
        }

        private Integer run() throws IOException {
            List<String> noises = noise.equals("both") ? List.of("none", "realistic") : List.of(noise);
            List<SynthOptions.Noise> parsed = new ArrayList<>();
            for (String nz : noises) {
                parsed.add(parseNoise(nz));
            }
            List<CalibBenchmark.Case> cases = CalibBenchmark.accuracy(seeds, framesOption.frames, parsed, scaleOption.scale, !noControls,
                    controlSpeed, listener(true), cancel::cancelled);
            List<String> md = new ArrayList<>();
            List<String> csv = new ArrayList<>();
            csv.add("case,seed,noise,true_offset_ms,rot_err_deg,trans_err_cm,tx_cm,ty_cm,tz_cm,offset_err_ms,offset_status,"
                    + "offset_spread_ms,loss_before,loss_after,evaluations,wall_s,cpu_s");
            md.add("| case | seed | noise | true δ (ms) | rotation error (°) | translation error (cm) | δ error (ms) | δ status"
                    + " | loss before → after | evaluations | wall (s) | CPU (s) |");
            md.add("|---|---|---|---|---|---|---|---|---|---|---|---|");
            for (int g = 0; g < noises.size(); g++) {
                double[] worst = new double[3];
                double[] sum = new double[3];
                for (CalibBenchmark.Case c : cases.subList(g * seeds, (g + 1) * seeds)) {
                    md.add(mdRow(c));
                    csv.add(csvRow(c));
                    for (int k = 0; k < 3; k++) {
                        worst[k] = Math.max(worst[k], c.errors()[k]);
                        sum[k] += c.errors()[k];
                    }
                }
                md.add(String.format(Locale.ROOT, "| **%s: mean / worst** | | | | %.3f / %.3f | %.2f / %.2f | %.2f / %.2f | | | | | |",
                        noises.get(g), sum[0] / seeds, worst[0], sum[1] / seeds, worst[1], sum[2] / seeds, worst[2]));
            }
            if (!noControls) {
                CalibBenchmark.Case a = cases.get(cases.size() - 2);
                CalibBenchmark.Case b = cases.get(cases.size() - 1);
                md.add(mdRow(a));
                csv.add(csvRow(a));
                md.add(mdRow(b));
                csv.add(csvRow(b));
                md.add("");
                md.add(String.format(Locale.ROOT, "δ ignored at %.0f m/s with a true δ of 60 ms: predicted translation error"
                        + " |speed × δ| = %.1f cm along the optical axis; measured %.2f cm (camera z: %.2f cm).",
                        controlSpeed, controlSpeed * 6, b.result().translationErrorCm(),
                        b.result().translationErrorCmXyz()[2]));
            }
            String header = String.format(Locale.ROOT, "Synthetic KITTI-like sequences: %d frames of %s, 64 beams, initial guess 5° and 20 cm"
                    + " off (random directions), δ starting at 0. Noise 'realistic': %s.%n%n", framesOption.frames,
                    scaleOption.scale == 1 ? "1242×375" : "scale " + scaleOption.scale, SynthOptions.Noise.realistic());
            AtomicFiles.write(outFolder.out.resolve("accuracy.md"), (header + String.join("\n", md) + "\n").getBytes(StandardCharsets.UTF_8));
            AtomicFiles.write(outFolder.out.resolve("accuracy.csv"), (String.join("\n", csv) + "\n").getBytes(StandardCharsets.UTF_8));
            spec.commandLine().getOut().println(header + String.join("\n", md));
            spec.commandLine().getOut().println("wrote " + outFolder.out.resolve("accuracy.md"));
            spec.commandLine().getOut().flush();
            return 0;
        }

        private static String mdRow(CalibBenchmark.Case c) {
            SolveResult r = c.result();
            return String.format(Locale.ROOT, "| %s | %d | %s | %.0f | %.3f | %.2f | %.2f | %s | %.3f → %.3f | %d | %.1f | %.1f |",
                    c.name(), c.options().seed(), c.noise(), c.options().timeOffsetMs(), r.rotationErrorDeg(),
                    r.translationErrorCm(), r.deltaErrorMs(), statusCell(r), r.lossBefore(), r.lossAfter(),
                    r.evaluations(), r.seconds(), c.cpuSeconds());
        }

        private static String csvRow(CalibBenchmark.Case c) {
            SolveResult r = c.result();
            double[] xyz = r.translationErrorCmXyz();
            return String.format(Locale.ROOT, "%s,%d,%s,%.1f,%.4f,%.3f,%.3f,%.3f,%.3f,%.3f,%s,%.2f,%.5f,%.5f,%d,%.2f,%.2f",
                    c.name(), c.options().seed(), c.noise(), c.options().timeOffsetMs(), r.rotationErrorDeg(),
                    r.translationErrorCm(), xyz[0], xyz[1], xyz[2], r.deltaErrorMs(), r.deltaStatus(), r.deltaSpreadMs(),
                    r.lossBefore(), r.lossAfter(), r.evaluations(), r.seconds(), c.cpuSeconds());
        }
    }
}
