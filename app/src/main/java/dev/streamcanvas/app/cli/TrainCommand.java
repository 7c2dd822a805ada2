package dev.streamcanvas.app.cli;

import dev.streamcanvas.app.train.ImageIoDecoder;
import dev.streamcanvas.engine.assign.NoiseAssignment;
import dev.streamcanvas.engine.train.ImageFolder;
import dev.streamcanvas.engine.train.Measurement;
import dev.streamcanvas.engine.train.RunMetrics;
import dev.streamcanvas.engine.train.MicroSdConfig;
import dev.streamcanvas.engine.train.OnnxExport;
import dev.streamcanvas.engine.train.PngDecoder;
import dev.streamcanvas.engine.train.TrainComparison;
import dev.streamcanvas.engine.train.TrainConfig;
import dev.streamcanvas.engine.train.TrainListener;
import dev.streamcanvas.engine.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code streamcanvas train}: trains the micro diffusion model on an image folder (vanilla or immiscible). */
@Command(name = "train", defaultValueProvider = SharedOptions.Defaults.class, mixinStandardHelpOptions = true,
        description = {"Train the micro Stable Diffusion (VAE, then UNet + text encoder) on a folder of PNG/JPEG images.",
            "Captions come from name.txt sidecars, captions.json, or the file names. Ctrl-C stops after writing a checkpoint;",
            "--resume continues. Compare vanilla and immiscible with the same --seed and --vae-from (shared VAE)."})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Image folder.")
    Path data;

    @Mixin
    SharedOptions.OutputFolder outFolder;

    @Option(names = "--assign", defaultValue = "none", description = "Noise assignment: none, exact, fp16 or knn:k (default ${DEFAULT-VALUE}).")
    String assign;

    @Option(names = "--steps", defaultValue = "3000", description = "UNet + text encoder steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--vae-steps", defaultValue = "2000", description = "VAE steps (default ${DEFAULT-VALUE}).")
    int vaeSteps;

    @Option(names = "--vae-from", paramLabel = "DIR", description = "Reuse the trained VAE of another run folder (skips the VAE stage).")
    Path vaeFrom;

    @Option(names = "--init-from", paramLabel = "DIR", description = "Start from another run folder's weights, "
            + "step counts, metrics and tokenizer with a fresh optimiser (for going on with new data or another "
            + "learning rate); a run folder that already has a checkpoint resumes from its own instead.")
    Path initFrom;

    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "UNet/text learning rate (default ${DEFAULT-VALUE}).")
    float lr;

    @Mixin
    MicroModelOptions sizes = new MicroModelOptions();

    @Option(names = "--checkpoint-every", defaultValue = "100", description = "Checkpoint interval in steps (default ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--eval-every", defaultValue = "50", description = "Held-out loss interval (default ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--quality-every", defaultValue = "500", description = "Sample-quality interval (default ${DEFAULT-VALUE}).")
    int qualityEvery;

    @Option(names = "--held-out", defaultValue = "64", description = "Held-out images for the metrics (default ${DEFAULT-VALUE}).")
    int heldOut;

    @Mixin
    SharedOptions.Seed seedOption;

    @Option(names = "--short-captions", defaultValue = "0", paramLabel = "SHARE",
            description = "Share of UNet rows trained on a shorter form of their caption (its first comma-separated parts: "
                    + "'dog face' of 'dog face, animal mammal, animals & nature'), so short prompts work (default ${DEFAULT-VALUE}).")
    float shortCaptions;

    @Option(names = "--threads", defaultValue = "1",
            description = "PyTorch CPU threads (default ${DEFAULT-VALUE}; more threads than free cores slow training down badly).")
    int threads;

    @Option(names = "--resume", description = "Continue from the checkpoint in --out.")
    boolean resume;

    @Option(names = "--overwrite", description = "Start a new run in an --out folder that already holds one, "
            + "replacing its checkpoint and metrics.")
    boolean overwrite;

    @Option(names = "--compare", paramLabel = "MODE",
            description = "Train vanilla AND immiscible (exact, fp16 or knn:k) side by side in --out/vanilla and --out/immiscible, sharing the VAE; writes --out/curves.png and --out/comparison.md.")
    String compare;

    @Option(names = "--plot-only", description = "With --compare: only redraw curves.png and comparison.md from the metrics.csv files in --out "
            + "(the multi-seed report when --out holds seed-S folders).")
    boolean plotOnly;

    @Option(names = "--seeds", paramLabel = "N|S1,S2,...",
            description = "With --compare: several seeds, as a count N (--seed, --seed+1, ...) or a comma-separated list; "
                    + "writes --out/seed-S/{vanilla,immiscible}, one VAE (the first seed's vanilla run trains it) shared by every run, "
                    + "and the report across seeds. A single number is a count: one explicit seed is --seed S --seeds 1.")
    String seeds;

    @Option(names = "--classifier", paramLabel = "DIR",
            description = "Folder of an emoji classifier (`classifier --out`) of the same --size: each quality evaluation also "
                    + "computes the Frechet distance on its features (with a bootstrap standard deviation), the classifier_fd columns of metrics.csv.")
    Path classifier;

    @Option(names = "--quality-samples", defaultValue = "256",
            description = "With --classifier: DDIM samples of the held-out captions per quality evaluation (default ${DEFAULT-VALUE}).")
    int qualitySamples;

    @Option(names = "--export", paramLabel = "DIR", description = "After training, export an ONNX model folder (DESIGN section 3) here.")
    Path export;

    @Option(names = "--export-only", description = "With --export: export the run's last checkpoint without training (the model flags must match the run).")
    boolean exportOnly;

    @Override
    public Integer call() throws Exception {
        try {
            return train();
        } catch (IOException e) { // a file that cannot be used (data, checkpoint, metrics): one line naming it
            spec.commandLine().getErr().println("train: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 2;
        } catch (IllegalArgumentException e) { // settings that do not fit each other (e.g. the classifier's size)
            spec.commandLine().getErr().println("train: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 2;
        }
    }

    private Integer train() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        // read by DJL when the PyTorch engine starts (an explicit -D wins)
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(Math.max(1, threads)));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        NoiseAssignment.Mode mode;
        int k = 1;
        String a = (compare != null ? compare : assign).toLowerCase(Locale.ROOT);
        if (a.startsWith("knn:")) {
            mode = NoiseAssignment.Mode.KNN;
            try {
                k = Integer.parseInt(a.substring(4));
            } catch (NumberFormatException e) {
                throw new ParameterException(spec.commandLine(), "--assign knn:k needs an integer k, got '" + assign + "'");
            }
        } else {
            mode = switch (a) {
                case "none", "vanilla" -> NoiseAssignment.Mode.NONE;
                case "exact" -> NoiseAssignment.Mode.EXACT;
                case "fp16" -> NoiseAssignment.Mode.FP16;
                default -> throw new ParameterException(spec.commandLine(),
                        "--assign must be none, exact, fp16 or knn:k, got '" + assign + "'");
            };
        }
        List<Long> seedList = seeds == null ? null : parseSeeds();
        if (seeds != null && compare == null) {
            throw new ParameterException(spec.commandLine(), "--seeds needs --compare MODE");
        }
        if (plotOnly) {
            if (compare == null) {
                throw new ParameterException(spec.commandLine(), "--plot-only needs --compare MODE (for the label)");
            }
            if (RunMetrics.isSeedFolder(outFolder.out)) {
                o.print(SeedReport.write(outFolder.out, "immiscible (" + compare + ")"));
                o.flush();
                return 0;
            }
            List<Measurement> v = RunMetrics.read(outFolder.out.resolve("vanilla").resolve("metrics.csv"));
            List<Measurement> i = RunMetrics.read(outFolder.out.resolve("immiscible").resolve("metrics.csv"));
            String label = "immiscible (" + compare + ")";
            ComparisonReport.writePlot(outFolder.out.resolve("curves.png"), v, i, label);
            String table = ComparisonReport.table(v, i, label);
            dev.streamcanvas.engine.io.AtomicFiles.write(outFolder.out.resolve("comparison.md"),
                    table.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            o.print(table);
            o.flush();
            return 0;
        }
        String refusal = exportOnly ? null : runFolderRefusal(); // --export-only only reads the run
        if (refusal != null) {
            spec.commandLine().getErr().println("train: " + refusal);
            spec.commandLine().getErr().flush();
            return 2;
        }
        MicroSdConfig model;
        TrainConfig cfg;
        try {
            model = sizes.config();
            cfg = TrainConfig.builder().setOutDir(outFolder.out).optModel(model).optAssignment(mode, k).optVaeSteps(vaeSteps)
                    .optSteps(steps).optBatch(batch).optLearningRate(lr).optCheckpointEvery(checkpointEvery)
                    .optEvalEvery(evalEvery).optQualityEvery(qualityEvery).optHeldOut(heldOut).optSeed(seedOption.seed)
                    .optVaeFrom(vaeFrom).optInitFrom(initFrom).optResume(resume).optShortCaptions(shortCaptions).optClassifier(classifier)
                    .optQualitySamples(qualitySamples).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ImageFolder folder = ImageFolder.load(data, sizes.size, List.of(new PngDecoder(), new ImageIoDecoder()));
        o.printf(Locale.ROOT, "%s: %d images (%d skipped as unreadable); assignment %s; run folder %s%n", data,
                folder.size(), folder.skipped(), assign, outFolder.out);
        int held = Trainer.heldOutCount(folder.size(), heldOut);
        if (held != heldOut) {
            o.printf(Locale.ROOT, "note: --held-out %d: holding out %d of the %d images (at most a fifth)%n", heldOut,
                    held, folder.size());
        }
        o.flush();
        if (compare != null) {
            if (mode == NoiseAssignment.Mode.NONE) {
                throw new ParameterException(spec.commandLine(), "--compare needs exact, fp16 or knn:k, got '" + compare + "'");
            }
            return seedList != null ? runSeeds(o, cfg, mode, k, seedList, folder) : runComparison(o, cfg, mode, k, folder);
        }
        if (exportOnly) {
            if (export == null) {
                throw new ParameterException(spec.commandLine(), "--export-only needs --export DIR");
            }
            try (Trainer trainer = new Trainer(cfg.withResume(true), folder, null)) {
                trainer.loadOnly();
                OnnxExport.export(trainer, export);
            }
            o.println("exported model folder " + export);
            o.flush();
            return 0;
        }
        TrainProgress progress = new TrainProgress(o, "", outFolder.out);
        try (Trainer trainer = new Trainer(cfg, folder, progress)) {
            Trainer.Outcome outcome;
            // Ctrl-C cancels the run and gives it up to 120 s to write its checkpoint
            Cancellation ctrlC = new Cancellation(trainer::cancel, 120);
            try {
                outcome = trainer.run();
            } finally {
                ctrlC.close();
            }
            progress.end();
            if (outcome == Trainer.Outcome.CANCELLED) {
                o.println("cancelled; checkpoint in " + outFolder.out + " (continue with --resume)");
                o.flush();
                return 130;
            }
            if (export != null) {
                OnnxExport.export(trainer, export);
                o.println("exported model folder " + export);
            }
            double[] psnr = trainer.vaeHeldOutPsnr();
            o.printf(Locale.ROOT, "VAE (factor %d) reconstruction of the held-out images: PSNR mean %.2f dB, 10th percentile "
                    + "%.2f dB%n", cfg.model().vaeFactor(), psnr[0], psnr[1]);
            List<Measurement> h = trainer.history();
            if (h.isEmpty()) {
                o.println("done: no UNet steps (--steps 0); checkpoint in " + outFolder.out);
            } else {
                Measurement last = h.get(h.size() - 1);
                o.printf(Locale.ROOT, "done: held-out loss %.4f, Frechet distance %.3f; metrics in %s%n", last.heldOutLoss(),
                        last.frechetDistance(), outFolder.out.resolve("metrics.csv"));
            }
            o.flush();
        }
        return 0;
    }

    /**
     * Why --out cannot be used as asked, or null: a folder that holds a run is not silently replaced (--resume
     * continues it, --overwrite replaces it), and --resume needs a checkpoint to continue from.
     */
    private String runFolderRefusal() throws IOException {
        List<Path> runs = new java.util.ArrayList<>();
        if (seeds != null) {
            // every seed asked for and every seed folder already there
            java.util.Set<Long> all = new java.util.TreeSet<>(parseSeeds());
            all.addAll(RunMetrics.seedFolders(outFolder.out));
            for (long s : all) {
                Path d = outFolder.out.resolve(dev.streamcanvas.engine.train.SeedComparison.seedFolder(s));
                runs.add(d.resolve("vanilla"));
                runs.add(d.resolve("immiscible"));
            }
        } else if (compare != null) {
            runs.add(outFolder.out.resolve("vanilla"));
            runs.add(outFolder.out.resolve("immiscible"));
        } else {
            runs.add(outFolder.out);
        }
        boolean checkpoint = false;
        boolean existing = seeds != null && Files.exists(outFolder.out.resolve(dev.streamcanvas.engine.train.SeedComparison.MANIFEST));
        for (Path r : runs) {
            checkpoint |= Files.exists(r.resolve("checkpoint.bin"));
            existing |= Files.exists(r.resolve("checkpoint.bin")) || Files.exists(r.resolve("metrics.csv"));
        }
        if (resume && overwrite) {
            return "--resume and --overwrite exclude each other";
        }
        if (resume && !checkpoint && initFrom == null) { // with --init-from, the same command starts and resumes
            return "--resume: " + outFolder.out + " holds no checkpoint.bin to continue from (start a new run without --resume)";
        }
        if (!resume && existing && !overwrite) {
            return outFolder.out + " already holds a training run (checkpoint.bin / metrics.csv): continue it with --resume, "
                    + "choose a new --out folder, or replace it with --overwrite";
        }
        return null;
    }

    /** --seeds: a count N (--seed, --seed + 1, ...) or a comma-separated list of distinct seeds. */
    private List<Long> parseSeeds() {
        List<Long> out = new java.util.ArrayList<>();
        try {
            if (!seeds.contains(",")) {
                int n = Integer.parseInt(seeds.trim());
                if (n < 1) {
                    throw new ParameterException(spec.commandLine(), "--seeds N needs N >= 1, got " + n);
                }
                for (int i = 0; i < n; i++) {
                    out.add(seedOption.seed + i);
                }
                return out;
            }
            for (String p : seeds.split(",")) {
                long v = Long.parseLong(p.trim());
                if (out.contains(v)) {
                    throw new ParameterException(spec.commandLine(), "--seeds: seed " + v + " is given twice");
                }
                out.add(v);
            }
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--seeds takes a count or a comma-separated list of integers, got '"
                    + seeds + "'");
        }
        return out;
    }

    private int runSeeds(PrintWriter o, TrainConfig cfg, NoiseAssignment.Mode mode, int k, List<Long> seedList,
            ImageFolder folder) throws IOException {
        o.printf(Locale.ROOT, "%d seeds %s: runs in %s/seed-S/{vanilla,immiscible}; the VAE is trained once%s%n",
                seedList.size(), seedList, outFolder.out, cfg.vaeFrom() == null ? " (by seed " + seedList.get(0) + "'s vanilla run)"
                        : " (taken from " + cfg.vaeFrom() + ")");
        o.flush();
        String label = "immiscible (" + compare + ")";
        try (dev.streamcanvas.engine.train.SeedComparison c = new dev.streamcanvas.engine.train.SeedComparison(cfg, mode, k,
                seedList, folder, (seed, run) -> new TrainProgress(o, "seed " + seed + " " + run,
                        outFolder.out.resolve(dev.streamcanvas.engine.train.SeedComparison.seedFolder(seed)).resolve(run)))) {
            Trainer.Outcome outcome;
            // Ctrl-C cancels every run and gives them up to 300 s to write their checkpoints
            Cancellation ctrlC = new Cancellation(c::cancel, 300);
            try {
                outcome = c.run(Math.max(1, evalEvery));
            } finally {
                ctrlC.close();
            }
            o.println();
            if (outcome == Trainer.Outcome.CANCELLED) {
                o.println("cancelled; checkpoints in " + outFolder.out + "/seed-S/{vanilla,immiscible} (continue with the same "
                        + "command and --resume)");
                if (RunMetrics.isSeedFolder(outFolder.out)) {
                    try {
                        SeedReport.write(outFolder.out, label);
                        o.println("report so far: " + outFolder.out.resolve("comparison.md"));
                    } catch (IOException e) { // a run that never measured has no metrics yet: no report, not an error
                        o.println("no report yet: " + e.getMessage());
                    }
                }
                o.flush();
                return 130;
            }
        }
        o.print(SeedReport.write(outFolder.out, label));
        o.println("curves: " + outFolder.out.resolve("curves.png"));
        o.flush();
        return 0;
    }

    private int runComparison(PrintWriter o, TrainConfig cfg, NoiseAssignment.Mode mode, int k, ImageFolder folder)
            throws IOException {
        try (TrainComparison c = new TrainComparison(cfg, mode, k, folder, name -> new TrainProgress(o, name, outFolder.out.resolve(name)))) {
            Trainer.Outcome outcome;
            // Ctrl-C cancels the run and gives it up to 120 s to write its checkpoint
            Cancellation ctrlC = new Cancellation(c::cancel, 120);
            try {
                outcome = c.run(Math.max(1, evalEvery));
            } finally {
                ctrlC.close();
            }
            o.println();
            if (outcome == Trainer.Outcome.CANCELLED) {
                o.println("cancelled; checkpoints in " + outFolder.out + "/{vanilla,immiscible} (continue with --resume)");
                o.flush();
                return 130;
            }
            // the report is drawn from the metrics files (as --plot-only does), so both give the same table
            List<Measurement> v = RunMetrics.read(outFolder.out.resolve("vanilla").resolve("metrics.csv"));
            List<Measurement> i = RunMetrics.read(outFolder.out.resolve("immiscible").resolve("metrics.csv"));
            String label = "immiscible (" + compare + ")";
            ComparisonReport.writePlot(outFolder.out.resolve("curves.png"), v, i, label);
            String table = ComparisonReport.table(v, i, label);
            dev.streamcanvas.engine.io.AtomicFiles.write(outFolder.out.resolve("comparison.md"),
                    table.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            o.print(table);
            o.println("curves: " + outFolder.out.resolve("curves.png"));
            o.flush();
            if (export != null) {
                OnnxExport.export(c.immiscible(), export);
                o.println("exported the immiscible model to " + export);
            }
        }
        return 0;
    }

    /** A run's progress on the console bar (stage, step/total, steps/s, ETA, loss) and its quality lines. */
    static final class TrainProgress implements TrainListener {
        private final PrintWriter out;
        private final String prefix;
        private final Path sampleDir;
        private ConsoleProgress bar;
        private Stage barStage;
        private double heldOut = Double.NaN;

        /** Without a run name or sample grids. */
        TrainProgress(PrintWriter out) {
            this(out, "", null);
        }

        /** With {@code sampleDir}, each quality measurement also writes a sample grid PNG there. */
        TrainProgress(PrintWriter out, String run, Path sampleDir) {
            this.out = out;
            this.prefix = run.isEmpty() ? "" : run + " ";
            this.sampleDir = sampleDir;
        }

        @Override
        public void onStage(Stage s, int total) {
            end();
            if (s == Stage.LATENTS) {
                out.println("encoding the training set to latents ...");
                out.flush();
            }
        }

        @Override
        public void onStep(Stage s, int step, int total, double loss, double assignMs, double sps) {
            if (bar == null || barStage != s) { // a run alternates with another on the same console: redraw its own
                bar = new ConsoleProgress(out, prefix + String.format(Locale.ROOT, "%-4s", s), total);
                barStage = s;
            }
            long eta = sps > 0 ? Math.round((total - step) / sps) : 0;
            bar.update(step, total, String.format(Locale.ROOT, "%.2f steps/s ETA %02d:%02d:%02d loss %.4f%s%s", sps,
                    eta / 3600, eta / 60 % 60, eta % 60, loss,
                    assignMs > 0 ? String.format(Locale.ROOT, " assign %.1f ms", assignMs) : "",
                    Double.isNaN(heldOut) ? "" : String.format(Locale.ROOT, " held-out %.4f", heldOut)));
        }

        @Override
        public void onHeldOutLoss(int step, double loss) {
            heldOut = loss;
        }

        @Override
        public void onQuality(int step, double fd, float[][] samples, int[][] argb, int size) {
            end();
            out.printf(Locale.ROOT, "%sstep %d: held-out loss %.4f, Frechet distance %.3f%n", prefix, step, heldOut, fd);
            out.flush();
            if (sampleDir != null && argb.length > 0) {
                try {
                    writeGrid(sampleDir.resolve(String.format(Locale.ROOT, "samples-%05d.png", step)), argb, size);
                } catch (IOException e) {
                    out.println("could not write the sample grid: " + e.getMessage());
                }
            }
        }

        /** Up to 16 samples in a 4-wide grid, each scaled 2x. */
        static void writeGrid(Path file, int[][] argb, int size) throws IOException {
            int cols = Math.min(4, argb.length);
            int rows = (argb.length + cols - 1) / cols;
            int cell = 2 * size + 4;
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(cols * cell, rows * cell,
                    java.awt.image.BufferedImage.TYPE_INT_RGB);
            for (int p = 0; p < img.getWidth() * img.getHeight(); p++) {
                img.setRGB(p % img.getWidth(), p / img.getWidth(), 0xffffff);
            }
            for (int k = 0; k < argb.length; k++) {
                int ox = (k % cols) * cell + 2;
                int oy = (k / cols) * cell + 2;
                for (int y = 0; y < 2 * size; y++) {
                    for (int x = 0; x < 2 * size; x++) {
                        img.setRGB(ox + x, oy + y, argb[k][(y / 2) * size + x / 2]);
                    }
                }
            }
            java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
            dev.streamcanvas.engine.io.AtomicFiles.write(file, os -> javax.imageio.ImageIO.write(img, "png", os));
        }

        void end() {
            if (bar != null) {
                bar.finish();
            }
        }
    }

    /** JPEG (and anything else javax.imageio reads) for the engine's dataset loader. */
    /** The vanilla-versus-immiscible curves (PNG, drawn with AWT in the app layer) and a markdown table. */
    static final class ComparisonReport {
        private ComparisonReport() {
        }

        static String table(List<Measurement> v, List<Measurement> i, String label) {
            StringBuilder sb = new StringBuilder();
            sb.append("| step | vanilla held-out loss | ").append(label).append(" held-out loss | vanilla FD | ")
                    .append(label).append(" FD | assign ms/batch |\n|---:|---:|---:|---:|---:|---:|\n");
            int n = Math.min(v.size(), i.size());
            for (int r = 0; r < n; r++) {
                Measurement a = v.get(r);
                Measurement b = i.get(r);
                sb.append(String.format(Locale.ROOT, "| %d | %.4f | %.4f | %s | %s | %.1f |%n", (long) a.step(),
                        a.heldOutLoss(), b.heldOutLoss(), fmt(a.frechetDistance()), fmt(b.frechetDistance()),
                        b.assignMs()));
            }
            return sb.toString();
        }

        private static String fmt(double x) {
            return Double.isNaN(x) ? "" : String.format(Locale.ROOT, "%.3f", x);
        }

        static void writePlot(Path file, List<Measurement> v, List<Measurement> i, String label) throws IOException {
            int w = 960;
            int h = 420;
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
            java.awt.Graphics2D g = img.createGraphics();
            try {
                g.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
                g.setColor(java.awt.Color.WHITE);
                g.fillRect(0, 0, w, h);
                panel(g, 0, "held-out loss (fresh noise, fixed t)", v, i, Measurement::heldOutLoss, w / 2, h);
                panel(g, w / 2, "Frechet distance, VAE-encoder features", v, i, Measurement::frechetDistance, w / 2, h);
                g.setFont(g.getFont().deriveFont(13f));
                g.setColor(VANILLA);
                g.drawString("\u2014 vanilla", 60, h - 4);
                g.setColor(IMMISCIBLE);
                g.drawString("\u2014 " + label, 150, h - 4);
            } finally {
                g.dispose();
            }
            dev.streamcanvas.engine.io.AtomicFiles.write(file, os -> javax.imageio.ImageIO.write(img, "png", os));
        }

        private static final java.awt.Color VANILLA = new java.awt.Color(0x1f77b4);
        private static final java.awt.Color IMMISCIBLE = new java.awt.Color(0xd62728);

        private static void panel(java.awt.Graphics2D g, int x0, String title, List<Measurement> v,
                List<Measurement> i, java.util.function.ToDoubleFunction<Measurement> col, int w, int h) {
            int left = x0 + 60;
            int right = x0 + w - 20;
            int top = 30;
            int bottom = h - 56;
            double maxStep = 1;
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (List<Measurement> rows : List.of(v, i)) {
                for (Measurement r : rows) {
                    maxStep = Math.max(maxStep, r.step());
                    double val = col.applyAsDouble(r);
                    if (!Double.isNaN(val)) {
                        lo = Math.min(lo, val);
                        hi = Math.max(hi, val);
                    }
                }
            }
            g.setColor(java.awt.Color.BLACK);
            g.setStroke(new java.awt.BasicStroke(1f));
            g.setFont(g.getFont().deriveFont(13f));
            g.drawString(title, left, 18);
            g.drawRect(left, top, right - left, bottom - top);
            if (lo == Double.POSITIVE_INFINITY) {
                return;
            }
            if (hi - lo < 1e-9) {
                hi = lo + 1;
            }
            double pad = (hi - lo) * 0.05;
            lo -= pad;
            hi += pad;
            g.setFont(g.getFont().deriveFont(11f));
            for (int t = 0; t <= 4; t++) {
                double val = lo + (hi - lo) * t / 4;
                int y = bottom - (int) Math.round((bottom - top) * t / 4.0);
                g.setColor(new java.awt.Color(0xdddddd));
                g.drawLine(left + 1, y, right - 1, y);
                g.setColor(java.awt.Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "%.3f", val), x0 + 8, y + 4);
                long step = Math.round(maxStep * t / 4);
                int x = left + (int) Math.round((right - left) * t / 4.0);
                g.drawString(Long.toString(step), x - 10, bottom + 16);
            }
            g.drawString("step", (left + right) / 2 - 10, bottom + 30);
            double finalLo = lo;
            double finalHi = hi;
            double finalMax = maxStep;
            for (int s = 0; s < 2; s++) {
                List<Measurement> rows = s == 0 ? v : i;
                g.setColor(s == 0 ? VANILLA : IMMISCIBLE);
                g.setStroke(new java.awt.BasicStroke(2f));
                int px = -1;
                int py = -1;
                for (Measurement r : rows) {
                    double val = col.applyAsDouble(r);
                    if (Double.isNaN(val)) {
                        continue;
                    }
                    int x = left + (int) Math.round((right - left) * r.step() / finalMax);
                    int y = bottom - (int) Math.round((bottom - top) * (val - finalLo) / (finalHi - finalLo));
                    if (px >= 0) {
                        g.drawLine(px, py, x, y);
                    }
                    g.fillOval(x - 3, y - 3, 6, 6);
                    px = x;
                    py = y;
                }
            }
        }
    }
}
