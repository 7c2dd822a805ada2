package dev.streamcanvas.app.cli;

import dev.streamcanvas.app.train.ImageIoDecoder;
import dev.streamcanvas.engine.train.EmojiClassifier;
import dev.streamcanvas.engine.train.ImageFolder;
import dev.streamcanvas.engine.train.PngDecoder;
import dev.streamcanvas.engine.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streamcanvas classifier}: trains the emoji category classifier behind the sample-quality metrics. */
@Command(name = "classifier", defaultValueProvider = SharedOptions.Defaults.class, mixinStandardHelpOptions = true,
        description = {"Train the emoji category classifier (the feature network of `evaluate`).",
            "It trains on the training split of an image folder with categories.json, and reports its top-1 accuracy on the held-out split (the same",
            "--held-out count gives the same split as `train`)."})
public final class ClassifierCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Image folder with categories.json.")
    Path data;

    @Mixin
    SharedOptions.OutputFolder outFolder;

    @Option(names = "--size", defaultValue = "64", description = "Image size (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--width", defaultValue = "32", description = "Base width (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--steps", defaultValue = "800", description = "Training steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "2e-3", description = "Learning rate (default ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--held-out", defaultValue = "128", description = "Held-out count, as for `train` (default ${DEFAULT-VALUE}).")
    int heldOut;

    @Mixin
    SharedOptions.Seed seedOption;

    @Option(names = "--threads", defaultValue = "1", description = "PyTorch CPU threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(Math.max(1, threads)));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        ImageFolder folder = ImageFolder.load(data, size, List.of(new PngDecoder(), new ImageIoDecoder()));
        Labelled set = Labelled.of(folder, EmojiClassifier.readCategories(data), data);
        int[] held = Trainer.heldOutSplit(folder, heldOut);
        int[] train = Trainer.complement(held, folder.size());
        List<float[]> images = new ArrayList<>();
        int[] labels = new int[train.length];
        for (int i = 0; i < train.length; i++) {
            images.add(folder.image(train[i]));
            labels[i] = set.label(train[i]);
        }
        o.printf(Locale.ROOT, "%d classes, %d training / %d held-out images%n", set.classes().size(), train.length, held.length);
        o.flush();
        try (EmojiClassifier c = new EmojiClassifier(set.classes(), size, width, seedOption.seed)) {
            ConsoleProgress bar = new ConsoleProgress(o, "classifier", steps);
            c.train(images, labels, steps, batch, lr, seedOption.seed, (loss, step) -> {
                if (step % 10 == 0 || step == steps) {
                    bar.update(step, String.format(Locale.ROOT, "loss %.4f", loss));
                }
            });
            bar.finish();
            c.save(outFolder.out);
            double acc = accuracy(c, folder, held, set);
            double trainAcc = accuracy(c, folder, train, set);
            o.printf(Locale.ROOT, "top-1 accuracy: held-out %.1f %% (%d images), training %.1f %%; chance %.1f %%%n",
                    100 * acc, held.length, 100 * trainAcc, 100 * set.majorityShare(held));
            o.println("wrote " + outFolder.out.resolve("classifier.bin"));
            o.flush();
        }
        return 0;
    }

    static double accuracy(EmojiClassifier c, ImageFolder folder, int[] items, Labelled set) {
        int s = folder.imageSize();
        int len = 3 * s * s;
        float[] x = new float[items.length * len];
        for (int i = 0; i < items.length; i++) {
            System.arraycopy(folder.image(items[i]), 0, x, i * len, len);
        }
        int[] top = c.evaluate(x, items.length).top1();
        int ok = 0;
        for (int i = 0; i < items.length; i++) {
            if (top[i] == set.label(items[i])) {
                ok++;
            }
        }
        return items.length == 0 ? Double.NaN : (double) ok / items.length;
    }

    /** The category label of every image of a folder, from its categories.json. */
    record Labelled(List<String> classes, int[] labels) {
        static Labelled of(ImageFolder folder, Map<String, String> categories, Path dir) throws IOException {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < folder.size(); i++) {
                String c = categories.get(folder.name(i));
                if (c == null) {
                    throw new IOException(dir.resolve("categories.json") + ": no category for " + folder.name(i));
                }
                names.add(c);
            }
            List<String> classes = EmojiClassifier.classesOf(names);
            int[] labels = new int[names.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = classes.indexOf(names.get(i));
            }
            return new Labelled(classes, labels);
        }

        int label(int item) {
            return labels[item];
        }

        /** Share of the most frequent class among the items (the accuracy of always guessing it). */
        double majorityShare(int[] items) {
            int[] count = new int[classes.size()];
            int best = 0;
            for (int i : items) {
                best = Math.max(best, ++count[labels[i]]);
            }
            return items.length == 0 ? Double.NaN : (double) best / items.length;
        }
    }
}
