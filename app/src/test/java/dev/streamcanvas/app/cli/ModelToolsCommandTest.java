package dev.streamcanvas.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The default-model pipeline through picocli on a tiny set: train, export-only, distill, classifier, evaluate. */
class ModelToolsCommandTest {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** 20 images 16x16: red discs ("Red") and blue squares ("Blue"), with captions.json and categories.json. */
    private Path tinySet() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        StringBuilder captions = new StringBuilder("{");
        StringBuilder categories = new StringBuilder("{");
        for (int i = 0; i < 20; i++) {
            boolean red = i % 2 == 0;
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(16, 16, java.awt.image.BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    int dx = x - 8 + i % 3;
                    int dy = y - 8;
                    boolean in = red ? dx * dx + dy * dy < 25 : Math.abs(dx) < 5 && Math.abs(dy) < 5;
                    img.setRGB(x, y, in ? (red ? 0xe02020 : 0x2040e0) : 0xffffff);
                }
            }
            String name = "e" + i + ".png";
            javax.imageio.ImageIO.write(img, "png", data.resolve(name).toFile());
            String sep = i == 0 ? "" : ",";
            captions.append(sep).append('"').append(name).append("\": \"").append(red ? "red disc" : "blue square").append('"');
            categories.append(sep).append('"').append(name).append("\": \"").append(red ? "Red" : "Blue").append('"');
        }
        Files.writeString(data.resolve("captions.json"), captions.append('}'), StandardCharsets.UTF_8);
        Files.writeString(data.resolve("categories.json"), categories.append('}'), StandardCharsets.UTF_8);
        return data;
    }

    private static final String[] MODEL = {"--size", "16", "--vae-channels", "8", "--unet-channels", "16", "--text-dim", "16",
        "--held-out", "4"};

    private static String[] with(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void trainDistilClassifyAndEvaluateATinySetThroughTheCommandLine() throws Exception {
        Path data = tinySet();
        Path run = dir.resolve("run");
        Result train = run(new TrainCommand(), with(MODEL, "--data", data.toString(), "--out", run.toString(),
                "--vae-steps", "2", "--steps", "3", "--batch", "4", "--eval-every", "0", "--quality-every", "0"));
        assertThat(train.code()).as(train.err()).isZero();

        Result exported = run(new TrainCommand(), with(MODEL, "--data", data.toString(), "--out", run.toString(),
                "--export", dir.resolve("teacher-model").toString(), "--export-only"));
        assertThat(exported.code()).as(exported.err()).isZero();
        assertThat(dir.resolve("teacher-model/unet/model.onnx")).isRegularFile();

        Path model = dir.resolve("model");
        Result distill = run(new DistillCommand(), with(MODEL, "--teacher", run.toString(), "--data", data.toString(),
                "--out", dir.resolve("distill").toString(), "--steps", "2", "--batch", "4", "--checkpoint-every", "1",
                "--guidance", "2", "--export", model.toString()));
        assertThat(distill.code()).as(distill.err()).isZero();
        assertThat(distill.out()).contains("DISTILL [").contains("2/2").contains("exported model folder");
        assertThat(dir.resolve("distill/distill-checkpoint.bin")).isRegularFile();
        assertThat(Files.readAllLines(dir.resolve("distill/distill-metrics.csv"))).hasSize(3);
        for (int steps : new int[] {1, 2, 4}) {
            assertThat(dir.resolve("distill/samples-steps" + steps + ".png")).isRegularFile();
        }
        assertThat(model.resolve("model_index.json")).isRegularFile();

        Path clf = dir.resolve("clf");
        Result classifier = run(new ClassifierCommand(), "--data", data.toString(), "--out", clf.toString(), "--size", "16",
                "--width", "8", "--steps", "3", "--batch", "8", "--held-out", "4");
        assertThat(classifier.code()).as(classifier.err()).isZero();
        assertThat(classifier.out()).contains("2 classes, 16 training / 4 held-out images").contains("top-1 accuracy");

        Path eval = dir.resolve("eval");
        Result evaluate = run(new EvaluateCommand(), "--model", model.toString(), "--classifier", clf.toString(), "--data",
                data.toString(), "--held-out", "4", "--samples", "4", "--prompt-seeds", "2", "--out", eval.toString());
        assertThat(evaluate.code()).as(evaluate.err()).isZero();
        String md = Files.readString(eval.resolve("evaluation.md"));
        // the trainer's own held-out PSNR (DJL VAE) and evaluate's (the exported ONNX VAE through the engine's codec)
        java.util.regex.Matcher trained = java.util.regex.Pattern.compile("PSNR mean ([0-9.]+) dB").matcher(train.out());
        java.util.regex.Matcher evaluated = java.util.regex.Pattern.compile("PSNR mean ([0-9.]+) dB").matcher(md);
        assertThat(trained.find()).as(train.out()).isTrue();
        assertThat(evaluated.find()).as(md).isTrue();
        assertThat(Double.parseDouble(trained.group(1))).isCloseTo(Double.parseDouble(evaluated.group(1)),
                org.assertj.core.api.Assertions.within(0.02));
        assertThat(md).contains("| 1 |").contains("| 2 |").contains("| 4 |").contains("PSNR mean")
                .contains("real training images (baseline)").contains("generated, 2 step(s)")
                .contains("2 seeds per prompt").contains("/ 64) |") // 32 prompts x 2 seeds
                .contains("held-out names");
        List<String> csvRows = Files.readAllLines(eval.resolve("evaluation.csv"));
        assertThat(csvRows).filteredOn(l -> l.startsWith("heldout_name_accuracy,")).hasSize(3);
        assertThat(csvRows).filteredOn(l -> l.startsWith("t2i_category_accuracy_seeds,")).hasSize(3);
        java.awt.image.BufferedImage grid = javax.imageio.ImageIO.read(eval.resolve("t2i-grid.png").toFile());
        assertThat(grid.getHeight()).as("16 rows of 2x-scaled 16 px cells").isGreaterThan(16 * 32);
        assertThat(eval.resolve("i2i-grid.png")).isRegularFile();
        assertThat(eval.resolve("photos-grid.png")).isRegularFile();
        assertThat(Files.readAllLines(eval.resolve("evaluation.csv")).get(0)).isEqualTo("measure,steps,strength,value");
    }

    @Test
    void distillingARunWithoutACheckpointFailsNamingTheFile() throws Exception {
        Path data = tinySet();
        Result r = run(new DistillCommand(), with(MODEL, "--teacher", dir.resolve("nothing").toString(), "--data",
                data.toString(), "--out", dir.resolve("d").toString(), "--steps", "1"));
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("checkpoint.bin").contains("no training checkpoint");
    }

    @Test
    void evaluatingWithAClassifierOfAnotherSizeIsRefused() throws Exception {
        Path data = tinySet();
        Result train = run(new TrainCommand(), with(MODEL, "--data", data.toString(), "--out", dir.resolve("run").toString(),
                "--vae-steps", "1", "--steps", "1", "--batch", "4", "--eval-every", "0", "--quality-every", "0",
                "--export", dir.resolve("m").toString()));
        assertThat(train.code()).as(train.err()).isZero();
        Result clf = run(new ClassifierCommand(), "--data", data.toString(), "--out", dir.resolve("c").toString(), "--size",
                "32", "--width", "8", "--steps", "1", "--batch", "4", "--held-out", "4");
        assertThat(clf.code()).as(clf.err()).isZero();
        Result r = run(new EvaluateCommand(), "--model", dir.resolve("m").toString(), "--classifier",
                dir.resolve("c").toString(), "--data", data.toString(), "--held-out", "4", "--out", dir.resolve("e").toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("model size 16 differs from the classifier's 32");
    }
}
