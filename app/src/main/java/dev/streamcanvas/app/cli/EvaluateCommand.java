package dev.streamcanvas.app.cli;

import dev.streamcanvas.app.train.ImageIoDecoder;
import dev.streamcanvas.engine.io.AtomicFiles;
import dev.streamcanvas.engine.model.DiffusionModel;
import dev.streamcanvas.engine.model.Device;
import dev.streamcanvas.engine.stream.GuidanceMode;
import dev.streamcanvas.engine.stream.ImageTensors;
import dev.streamcanvas.engine.stream.StreamSettings;
import dev.streamcanvas.engine.train.EmojiClassifier;
import dev.streamcanvas.engine.train.FrechetDistance;
import dev.streamcanvas.engine.train.ImageFolder;
import dev.streamcanvas.engine.train.PngDecoder;
import dev.streamcanvas.engine.train.Psnr;
import dev.streamcanvas.engine.train.Trainer;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code streamcanvas evaluate}: renders the evidence of a model folder through the live stream engine (the same
 * path as the app) and measures it with the emoji classifier: text-to-image for 32 fixed prompts at 1, 2 and 4
 * steps (category accuracy), Fréchet distance of samples from the held-out captions against the held-out images
 * next to two baselines, an image-to-image grid of crude drawings at three strengths, and stylised webcam-like
 * frames. Writes PNG grids, {@code evaluation.md} and {@code evaluation.csv} into {@code --out}.
 */
@Command(name = "evaluate", defaultValueProvider = SharedOptions.Defaults.class, mixinStandardHelpOptions = true,
        description = {"Render a model's evidence grids through the stream engine and measure them.",
            "Measures with the emoji classifier (category accuracy, Frechet distance on its features vs held-out real images)."})
public final class EvaluateCommand implements Callable<Integer> {
    /** The 32 fixed prompts, written like the captions, with the emoji.json category each belongs to. */
    static final List<String[]> PROMPTS = List.of(
            new String[] {"grinning face", "Smileys & Emotion"},
            new String[] {"face with tears of joy", "Smileys & Emotion"},
            new String[] {"crying face", "Smileys & Emotion"},
            new String[] {"angry face", "Smileys & Emotion"},
            new String[] {"thumbs up sign", "People & Body"},
            new String[] {"waving hand sign", "People & Body"},
            new String[] {"dancer", "People & Body"},
            new String[] {"runner", "People & Body"},
            new String[] {"dog face", "Animals & Nature"},
            new String[] {"cat face", "Animals & Nature"},
            new String[] {"penguin", "Animals & Nature"},
            new String[] {"sunflower", "Animals & Nature"},
            new String[] {"red apple", "Food & Drink"},
            new String[] {"slice of pizza", "Food & Drink"},
            new String[] {"hamburger", "Food & Drink"},
            new String[] {"birthday cake", "Food & Drink"},
            new String[] {"automobile", "Travel & Places"},
            new String[] {"airplane", "Travel & Places"},
            new String[] {"house building", "Travel & Places"},
            new String[] {"black sun with rays", "Travel & Places"},
            new String[] {"soccer ball", "Activities"},
            new String[] {"basketball and hoop", "Activities"},
            new String[] {"party popper", "Activities"},
            new String[] {"trophy", "Activities"},
            new String[] {"electric light bulb", "Objects"},
            new String[] {"mobile phone", "Objects"},
            new String[] {"guitar", "Objects"},
            new String[] {"gem stone", "Objects"},
            new String[] {"heavy check mark", "Symbols"},
            new String[] {"no entry", "Symbols"},
            new String[] {"japan flag", "Flags"},
            new String[] {"united states flag", "Flags"});

    static final int[] STEP_COUNTS = {1, 2, 4};
    static final double[] STRENGTHS = {0.5, 0.7, 0.9};

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder to evaluate.")
    Path model;

    @Option(names = "--classifier", required = true, paramLabel = "DIR", description = "Folder of classifier.bin (`classifier --out`).")
    Path classifierDir;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The image folder (with categories.json) the model was trained on.")
    Path data;

    @Option(names = "--held-out", defaultValue = "128", description = "Held-out count, as for `train` (default ${DEFAULT-VALUE}).")
    int heldOut;

    @Option(names = "--samples", defaultValue = "256", description = "Generated samples for the Frechet distance (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--prompt-seeds", defaultValue = "4",
            description = "Seeds per fixed prompt for the averaged text-to-image accuracy; the grid shows the first (default ${DEFAULT-VALUE}).")
    int promptSeeds;

    @Option(names = "--guidance", defaultValue = "NONE", description = "Guidance mode: none, self, initialize or full (default ${DEFAULT-VALUE}).")
    GuidanceMode guidance;

    @Option(names = "--gamma", defaultValue = "1.2", description = "Guidance scale for self/initialize/full (default ${DEFAULT-VALUE}).")
    float gamma;

    @Mixin
    SharedOptions.Seed seedOption;

    @Mixin
    SharedOptions.OutputFolder outFolder;

    @Option(names = "--teacher-run", paramLabel = "DIR", description = "Also plot this `train` run's metrics.csv (training-curves.png).")
    Path teacherRun;

    @Option(names = "--distill-run", paramLabel = "DIR", description = "Also plot this `distill` run's distill-metrics.csv.")
    Path distillRun;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        if (promptSeeds < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--prompt-seeds must be >= 1, got " + promptSeeds);
        }
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Files.createDirectories(outFolder.out);
        try (EmojiClassifier clf = EmojiClassifier.load(classifierDir)) {
            DiffusionModel m = DiffusionModel.load(model, Device.CPU, false); // owned by the stream once installed
            int[] fixed = m.fixedSize();
            int s = fixed != null ? fixed[0] : 64;
            if (s != clf.size()) {
                m.close();
                throw new IllegalArgumentException(model + ": model size " + s + " differs from the classifier's " + clf.size());
            }
            ImageFolder folder;
            ClassifierCommand.Labelled labels;
            try {
                folder = ImageFolder.load(data, s, List.of(new PngDecoder(), new ImageIoDecoder()));
                labels = ClassifierCommand.Labelled.of(folder, EmojiClassifier.readCategories(data), data);
            } catch (java.io.IOException | RuntimeException e) {
                m.close();
                throw e;
            }
            if (!labels.classes().equals(clf.classes())) {
                m.close();
                throw new IllegalArgumentException(data + ": categories " + labels.classes() + " differ from the classifier's "
                        + clf.classes());
            }
            StreamSettings base = StreamSettings.builder().size(s, s).guidance(guidance).gamma(gamma)
                    .denoisingBatch(false).directStep(m.singleStep()).seed(seedOption.seed).build();
            StringBuilder md = new StringBuilder();
            StringBuilder csv = new StringBuilder("measure,steps,strength,value\n");
            md.append("# Evaluation of ").append(m.name()).append("\n\n")
                    .append("`streamcanvas evaluate --model ").append(model).append(" --classifier ").append(classifierDir)
                    .append(" --data ").append(data).append(" --held-out ").append(heldOut).append(" --samples ")
                    .append(samples).append(" --guidance ").append(guidance.name().toLowerCase(Locale.ROOT))
                    .append(" --seed ").append(seedOption.seed).append("`\n\n");
            reconstruction(o, m, folder, s, md, csv);
            try (SyncStream stream = new SyncStream(base, false)) {
                stream.setModel(m);
                textToImage(o, stream, base, clf, s, md, csv);
                frechet(o, stream, base, clf, folder, labels, s, md, csv);
                heldOutNames(o, stream, base, clf, folder, labels, s, md, csv);
                imageToImage(o, stream, base, clf, s, md, csv);
            }
            if (teacherRun != null || distillRun != null) {
                curves(md);
            }
            AtomicFiles.write(outFolder.out.resolve("evaluation.md"), md.toString().getBytes(StandardCharsets.UTF_8));
            AtomicFiles.write(outFolder.out.resolve("evaluation.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
            o.println("wrote " + outFolder.out.resolve("evaluation.md"));
            o.flush();
        }
        return 0;
    }

    /** VAE reconstruction PSNR (peak-to-peak 2 in [-1, 1] units) on the held-out images, mean and worst decile. */
    private void reconstruction(PrintWriter o, DiffusionModel m, ImageFolder folder, int s, StringBuilder md,
            StringBuilder csv) {
        int[] held = Trainer.heldOutSplit(folder, heldOut);
        int len = 3 * s * s;
        int f = m.codec().factor();
        float[] lat = new float[m.codec().channels() * (s / f) * (s / f)];
        float[] rec = new float[len];
        double[] psnr = new double[held.length];
        for (int i = 0; i < held.length; i++) {
            float[] img = folder.image(held[i]);
            m.codec().encode(img, 1, s, s, lat);
            m.codec().decode(lat, 1, s, s, rec);
            psnr[i] = Psnr.of(rec, 0, img, len);
        }
        double[] summary = Psnr.meanAndP10(psnr);
        double mean = summary[0];
        double p10 = summary[1];
        md.append(String.format(Locale.ROOT, "## VAE reconstruction%n%nHeld-out images (%d), %dx%d, factor %d: PSNR mean %.2f dB, "
                + "10th percentile %.2f dB (peak-to-peak 2 in [-1, 1]).%n%n", held.length, s, s, f, mean, p10));
        csv.append(String.format(Locale.ROOT, "vae_psnr_mean,0,,%.4f%nvae_psnr_p10,0,,%.4f%n", mean, p10));
        o.printf(Locale.ROOT, "VAE reconstruction PSNR on %d held-out images: mean %.2f dB, 10th percentile %.2f dB%n",
                held.length, mean, p10);
        o.flush();
    }

    /** 32 prompts x {1, 2, 4} steps from noise: the grid and the classifier's category accuracy. */
    private void textToImage(PrintWriter o, SyncStream stream, StreamSettings base, EmojiClassifier clf, int s,
            StringBuilder md, StringBuilder csv) throws Exception {
        int n = PROMPTS.size();
        int[][][] cells = new int[n][STEP_COUNTS.length][];
        md.append("## Text to image: 32 fixed prompts\n\n| steps | category accuracy (top-1, chance ~ 11 %), grid seeds | the same, ")
                .append(promptSeeds).append(" seeds per prompt |\n|---:|---:|---:|\n");
        for (int k = 0; k < STEP_COUNTS.length; k++) {
            float[] x = new float[n * 3 * s * s];
            for (int i = 0; i < n; i++) {
                stream.apply(base.toBuilder().prompt(PROMPTS.get(i)[0]).strength(1.0).slots(STEP_COUNTS[k])
                        .seed(seedOption.seed + i).build());
                int[] px = stream.run(null, 0, 0).argb();
                cells[i][k] = px;
                ImageTensors.toTensor(px, s, s, s, s, x, i * 3 * s * s);
            }
            int ok = correct(clf, x, n, i -> PROMPTS.get(i)[1]);
            // the same prompts with further seeds: the accuracy of one seed per prompt moves by 3 % a picture
            int okAll = ok;
            for (int rep = 1; rep < promptSeeds; rep++) {
                for (int i = 0; i < n; i++) {
                    stream.apply(base.toBuilder().prompt(PROMPTS.get(i)[0]).strength(1.0).slots(STEP_COUNTS[k])
                            .seed(seedOption.seed + 100L * rep + i).build());
                    ImageTensors.toTensor(stream.run(null, 0, 0).argb(), s, s, s, s, x, i * 3 * s * s);
                }
                okAll += correct(clf, x, n, i -> PROMPTS.get(i)[1]);
            }
            double acc = 100.0 * ok / n;
            double accAll = 100.0 * okAll / (n * promptSeeds);
            md.append(String.format(Locale.ROOT, "| %d | %.1f %% (%d / %d) | %.1f %% (%d / %d) |%n", STEP_COUNTS[k], acc, ok, n,
                    accAll, okAll, n * promptSeeds));
            csv.append(String.format(Locale.ROOT, "t2i_category_accuracy,%d,1.0,%.4f%nt2i_category_accuracy_seeds,%d,1.0,%.4f%n",
                    STEP_COUNTS[k], acc / 100, STEP_COUNTS[k], accAll / 100));
            o.printf(Locale.ROOT, "text to image, %d step(s): category accuracy %.1f %% (grid seeds), %.1f %% (%d seeds per prompt)%n",
                    STEP_COUNTS[k], acc, accAll, promptSeeds);
            o.flush();
        }
        // two prompt blocks side by side: 16 rows of [1 | 2 | 4 steps] x 2
        int half = n / 2;
        int[][][] wide = new int[half][2 * STEP_COUNTS.length][];
        List<String> rowLabels = new ArrayList<>();
        for (int i = 0; i < half; i++) {
            for (int k = 0; k < STEP_COUNTS.length; k++) {
                wide[i][k] = cells[i][k];
                wide[i][STEP_COUNTS.length + k] = cells[half + i][k];
            }
            rowLabels.add(PROMPTS.get(i)[0] + "  |  " + PROMPTS.get(half + i)[0]);
        }
        List<String> cols = new ArrayList<>();
        for (int rep = 0; rep < 2; rep++) {
            for (int steps : STEP_COUNTS) {
                cols.add(steps + " step" + (steps > 1 ? "s" : ""));
            }
        }
        writePng(EvalImages.grid(wide, s, 2, rowLabels, cols), outFolder.out.resolve("t2i-grid.png"));
        md.append("\n![text to image](t2i-grid.png)\n\nRows: left prompt | right prompt; columns: 1, 2, 4 steps of each.\n\n");
    }

    /** How many of the n images in x the classifier puts in the category {@code truth.apply(i)}. */
    private static int correct(EmojiClassifier clf, float[] x, int n, java.util.function.IntFunction<String> truth) {
        int[] top = clf.evaluate(x, n).top1();
        int ok = 0;
        for (int i = 0; i < n; i++) {
            if (clf.classes().get(top[i]).equals(truth.apply(i))) {
                ok++;
            }
        }
        return ok;
    }

    /**
     * The held-out emoji's names (the first part of their captions, "dog face") as prompts: short prompts whose
     * pictures were never trained on, like the prompts a user or an independent checker types.
     */
    private void heldOutNames(PrintWriter o, SyncStream stream, StreamSettings base, EmojiClassifier clf, ImageFolder folder,
            ClassifierCommand.Labelled labels, int s, StringBuilder md, StringBuilder csv) throws Exception {
        int[] held = Trainer.heldOutSplit(folder, heldOut);
        int len = 3 * s * s;
        md.append("## Short prompts of unseen emoji: the held-out names\n\n")
                .append(String.format(Locale.ROOT, "The %d held-out emoji's names (their captions' first part, e.g. \"%s\") as "
                        + "prompts, one sample each (seeds %d, ...).%n%n", held.length, name(folder.caption(held[0])),
                        seedOption.seed + 2000))
                .append("| steps | category accuracy (top-1) |\n|---:|---:|\n");
        for (int steps : STEP_COUNTS) {
            float[] gen = new float[held.length * len];
            for (int i = 0; i < held.length; i++) {
                stream.apply(base.toBuilder().prompt(name(folder.caption(held[i]))).strength(1.0).slots(steps)
                        .seed(seedOption.seed + 2000 + i).build());
                ImageTensors.toTensor(stream.run(null, 0, 0).argb(), s, s, s, s, gen, i * len);
            }
            int ok = correct(clf, gen, held.length, i -> clf.classes().get(labels.label(held[i])));
            double acc = 100.0 * ok / held.length;
            md.append(String.format(Locale.ROOT, "| %d | %.1f %% (%d / %d) |%n", steps, acc, ok, held.length));
            csv.append(String.format(Locale.ROOT, "heldout_name_accuracy,%d,1.0,%.4f%n", steps, acc / 100));
            o.printf(Locale.ROOT, "held-out names, %d step(s): category accuracy %.1f %%%n", steps, acc);
            o.flush();
        }
        md.append('\n');
    }

    /** A caption's first comma-separated part (the emoji's name). */
    private static String name(String caption) {
        List<String> forms = dev.streamcanvas.engine.train.CaptionForms.shorter(caption);
        return forms.isEmpty() ? caption.strip() : forms.get(0);
    }

    /** Fréchet distance on classifier features: samples from the held-out captions vs held-out images, with baselines. */
    private void frechet(PrintWriter o, SyncStream stream, StreamSettings base, EmojiClassifier clf, ImageFolder folder,
            ClassifierCommand.Labelled labels, int s, StringBuilder md, StringBuilder csv) throws Exception {
        int[] held = Trainer.heldOutSplit(folder, heldOut);
        int[] train = Trainer.complement(held, folder.size());
        StringBuilder names = new StringBuilder();
        for (int i : held) {
            names.append(folder.name(i)).append('\n');
        }
        AtomicFiles.write(outFolder.out.resolve("held-out.txt"), names.toString().getBytes(StandardCharsets.UTF_8));
        int len = 3 * s * s;
        float[] real = new float[held.length * len];
        for (int i = 0; i < held.length; i++) {
            System.arraycopy(folder.image(held[i]), 0, real, i * len, len);
        }
        EmojiClassifier.Evaluation realEval = clf.evaluate(real, held.length);
        int dim = clf.featureDim();
        SplittableRandom r = new SplittableRandom(seedOption.seed);
        int nb = Math.min(samples, train.length);
        float[] trainImgs = new float[nb * len];
        float[] blurred = new float[nb * len];
        for (int i = 0; i < nb; i++) {
            float[] img = folder.image(train[r.nextInt(train.length)]);
            System.arraycopy(img, 0, trainImgs, i * len, len);
            float[] b = img.clone();
            blur4(b, s);
            System.arraycopy(b, 0, blurred, i * len, len);
        }
        double fdTrain = FrechetDistance.between(clf.evaluate(trainImgs, nb).features(), nb, realEval.features(), held.length, dim);
        double fdBlur = FrechetDistance.between(clf.evaluate(blurred, nb).features(), nb, realEval.features(), held.length, dim);
        md.append("## Sample quality on held-out captions\n\n")
                .append(String.format(Locale.ROOT, "%d samples from the %d held-out captions (seeds %d, %d, ...) against the %d "
                        + "held-out images, on the emoji classifier's %d pooled features.%n%n", samples, held.length, seedOption.seed,
                        seedOption.seed + 1, held.length, dim))
                .append("| images | Frechet distance | category accuracy |\n|---|---:|---:|\n")
                .append(String.format(Locale.ROOT, "| real training images (baseline) | %.3f | |%n", fdTrain))
                .append(String.format(Locale.ROOT, "| real training images, 4x box-blurred (baseline) | %.3f | |%n", fdBlur));
        csv.append(String.format(Locale.ROOT, "fd_real_train,0,,%.6f%nfd_blurred_train,0,,%.6f%n", fdTrain, fdBlur));
        for (int steps : STEP_COUNTS) {
            float[] gen = new float[samples * len];
            int ok = 0;
            int[] truth = new int[samples];
            for (int i = 0; i < samples; i++) {
                int item = held[i % held.length];
                truth[i] = labels.label(item);
                stream.apply(base.toBuilder().prompt(folder.caption(item)).strength(1.0).slots(steps)
                        .seed(seedOption.seed + 1000 + i).build());
                ImageTensors.toTensor(stream.run(null, 0, 0).argb(), s, s, s, s, gen, i * len);
            }
            EmojiClassifier.Evaluation ev = clf.evaluate(gen, samples);
            for (int i = 0; i < samples; i++) {
                if (ev.top1()[i] == truth[i]) {
                    ok++;
                }
            }
            double fd = FrechetDistance.between(ev.features(), samples, realEval.features(), held.length, dim);
            double acc = 100.0 * ok / samples;
            md.append(String.format(Locale.ROOT, "| generated, %d step(s) | %.3f | %.1f %% |%n", steps, fd, acc));
            csv.append(String.format(Locale.ROOT, "fd_generated,%d,1.0,%.6f%nheldout_caption_accuracy,%d,1.0,%.4f%n", steps, fd,
                    steps, acc / 100));
            o.printf(Locale.ROOT, "held-out captions, %d step(s): Frechet distance %.3f, category accuracy %.1f %%%n", steps, fd, acc);
            o.flush();
        }
        int ok = 0;
        for (int i = 0; i < held.length; i++) {
            if (realEval.top1()[i] == labels.label(held[i])) {
                ok++;
            }
        }
        md.append(String.format(Locale.ROOT, "%nThe classifier's own top-1 accuracy on the held-out real images: %.1f %%.%n%n",
                100.0 * ok / held.length));
    }

    /** 8 drawings x 3 strengths at 2 steps, and 4 webcam-like frames at 2 strengths. */
    private void imageToImage(PrintWriter o, SyncStream stream, StreamSettings base, EmojiClassifier clf, int s,
            StringBuilder md, StringBuilder csv) throws Exception {
        List<EvalImages.Input> drawings = EvalImages.drawings(s);
        List<EvalImages.Input> photos = EvalImages.photos(s, seedOption.seed);
        md.append("## Image to image (2 steps)\n\n![drawings](i2i-grid.png)\n\n![webcam-like frames](photos-grid.png)\n\n")
                .append("Inputs drawn by script (`EvalImages`): each row is one input and its prompt; columns: the input, then ")
                .append("strengths");
        for (double st : STRENGTHS) {
            md.append(String.format(Locale.ROOT, " %.1f", st));
        }
        md.append(".\n");
        for (int pass = 0; pass < 2; pass++) {
            List<EvalImages.Input> inputs = pass == 0 ? drawings : photos;
            int[][][] cells = new int[inputs.size()][1 + STRENGTHS.length][];
            List<String> rows = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                EvalImages.Input in = inputs.get(i);
                cells[i][0] = in.argb();
                rows.add(in.name() + ": \"" + in.prompt() + "\"");
                for (int k = 0; k < STRENGTHS.length; k++) {
                    stream.apply(base.toBuilder().prompt(in.prompt()).strength(STRENGTHS[k]).slots(2).seed(seedOption.seed + i).build());
                    cells[i][1 + k] = stream.run(in.argb(), in.size(), in.size()).argb();
                }
            }
            md.append(pass == 0 ? "\n| strength | drawings: category of the prompt (top-1) |\n|---:|---:|\n"
                    : "\n| strength | webcam-like frames: category of the prompt (top-1) |\n|---:|---:|\n");
            for (int k = 0; k < STRENGTHS.length; k++) {
                float[] x = new float[inputs.size() * 3 * s * s];
                for (int i = 0; i < inputs.size(); i++) {
                    ImageTensors.toTensor(cells[i][1 + k], s, s, s, s, x, i * 3 * s * s);
                }
                int[] top = clf.evaluate(x, inputs.size()).top1();
                int ok = 0;
                for (int i = 0; i < inputs.size(); i++) {
                    if (clf.classes().get(top[i]).equals(inputs.get(i).category())) {
                        ok++;
                    }
                }
                md.append(String.format(Locale.ROOT, "| %.1f | %d / %d |%n", STRENGTHS[k], ok, inputs.size()));
                csv.append(String.format(Locale.ROOT, "%s_category_accuracy,2,%.1f,%.4f%n", pass == 0 ? "drawings" : "photos",
                        STRENGTHS[k], (double) ok / inputs.size()));
            }
            List<String> cols = new ArrayList<>();
            cols.add("input");
            for (double st : STRENGTHS) {
                cols.add(String.format(Locale.ROOT, "strength %.1f", st));
            }
            writePng(EvalImages.grid(cells, s, 2, rows, cols), outFolder.out.resolve(pass == 0 ? "i2i-grid.png" : "photos-grid.png"));
        }
        o.println("image to image grids written");
        o.flush();
    }

    /** training-curves.png: the teacher's held-out loss and VAE-feature distance, the distillation loss. */
    private void curves(StringBuilder md) throws java.io.IOException {
        List<String> titles = new ArrayList<>();
        List<double[][]> series = new ArrayList<>();
        if (teacherRun != null) {
            List<String[]> rows = csv(teacherRun.resolve("metrics.csv"));
            titles.add("teacher: held-out loss (fresh noise)");
            series.add(columns(rows, 0, 1));
            titles.add("teacher: Frechet distance (VAE features)");
            series.add(columns(rows, 0, 2));
        }
        if (distillRun != null) {
            titles.add("distillation: consistency loss");
            series.add(columns(csv(distillRun.resolve("distill-metrics.csv")), 0, 1));
        }
        writePng(EvalImages.curves(titles, series), outFolder.out.resolve("training-curves.png"));
        md.append("## Training curves\n\n![training curves](training-curves.png)\n\n");
    }

    private static List<String[]> csv(Path file) throws java.io.IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String[]> rows = new ArrayList<>();
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            rows.add(line.split(",", -1));
        }
        return rows;
    }

    private static double[][] columns(List<String[]> rows, int x, int y) {
        double[][] out = new double[2][rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            out[0][i] = Double.parseDouble(r[x]);
            out[1][i] = r.length > y && !r[y].isBlank() ? Double.parseDouble(r[y]) : Double.NaN;
        }
        return out;
    }

    /** 4x box blur (mean of 4x4 blocks, then nearest upsampling), in place: the "blurry" baseline. */
    static void blur4(float[] img, int s) {
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < s; y += 4) {
                for (int x = 0; x < s; x += 4) {
                    float m = 0;
                    for (int dy = 0; dy < 4; dy++) {
                        for (int dx = 0; dx < 4; dx++) {
                            m += img[(c * s + y + dy) * s + x + dx];
                        }
                    }
                    m /= 16;
                    for (int dy = 0; dy < 4; dy++) {
                        for (int dx = 0; dx < 4; dx++) {
                            img[(c * s + y + dy) * s + x + dx] = m;
                        }
                    }
                }
            }
        }
    }

    private static void writePng(java.awt.image.BufferedImage img, Path file) throws java.io.IOException {
        AtomicFiles.write(file, os -> javax.imageio.ImageIO.write(img, "png", os));
    }
}
