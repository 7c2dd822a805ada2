package dev.streamcanvas.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainCommandTest {
    @TempDir
    Path dir;

    private int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cl = new CommandLine(new TrainCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void trainsOnAFolderOfImagesAndWritesMetrics() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        for (int i = 0; i < 10; i++) {
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(20, 16, java.awt.image.BufferedImage.TYPE_INT_ARGB);
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 20; x++) {
                    img.setRGB(x, y, (x < 10 + i / 2 ? 0xffff0000 : 0x00000000) | (i * 20) << 8);
                }
            }
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            javax.imageio.ImageIO.write(img, i % 3 == 0 ? "jpg" : "png", b);
            if (i % 3 == 0) {
                java.awt.image.BufferedImage rgb = new java.awt.image.BufferedImage(20, 16, java.awt.image.BufferedImage.TYPE_INT_RGB);
                rgb.getGraphics().drawImage(img, 0, 0, null);
                b.reset();
                javax.imageio.ImageIO.write(rgb, "jpg", b);
            }
            Files.write(data.resolve("img" + i + (i % 3 == 0 ? ".jpg" : ".png")), b.toByteArray());
        }
        Files.write(data.resolve("broken.png"), new byte[] {1, 2, 3});
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "--data", data.toString(), "--out", dir.resolve("run").toString(), "--assign", "knn:2",
                "--size", "16", "--vae-channels", "8", "--unet-channels", "16", "--text-dim", "16", "--vae-steps", "2",
                "--steps", "3", "--batch", "4", "--eval-every", "1", "--quality-every", "3", "--held-out", "2", "--export", dir.resolve("model").toString());
        assertThat(code).as(err.toString()).isEqualTo(0);
        assertThat(out.toString()).contains("10 images (1 skipped").contains("UNET [").contains("3/3").contains("done:");
        assertThat(Files.readAllLines(dir.resolve("run").resolve("metrics.csv"))).hasSize(4);
        assertThat(dir.resolve("model/unet/model.onnx")).isRegularFile();
        assertThat(dir.resolve("model/tokenizer/merges.txt")).isRegularFile();
    }

    @Test
    void compareTrainsBothRunsAndWritesCurvesAndTable() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        for (int i = 0; i < 10; i++) { // 10 images: 2 held out, enough for the quality metric
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(16, 16, java.awt.image.BufferedImage.TYPE_INT_ARGB);
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    img.setRGB(x, y, y < 4 + i ? 0xff0000ff : 0xffffff00);
                }
            }
            javax.imageio.ImageIO.write(img, "png", data.resolve("i" + i + ".png").toFile());
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "--data", data.toString(), "--out", dir.resolve("cmp").toString(), "--compare", "fp16",
                "--size", "16", "--vae-channels", "8", "--unet-channels", "16", "--text-dim", "16", "--vae-steps", "2",
                "--steps", "4", "--batch", "4", "--eval-every", "2", "--quality-every", "4", "--held-out", "2");
        assertThat(code).as(err.toString()).isEqualTo(0);
        assertThat(out.toString()).contains("| 2 |").contains("| 4 |").contains("immiscible (fp16) held-out loss");
        java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(dir.resolve("cmp/curves.png").toFile());
        assertThat(png.getWidth()).isEqualTo(960);
        assertThat(dir.resolve("cmp/vanilla/metrics.csv")).isRegularFile();
        assertThat(dir.resolve("cmp/immiscible/metrics.csv")).isRegularFile();
        assertThat(Files.readString(dir.resolve("cmp/comparison.md"))).contains("| 4 |");
        assertThat(javax.imageio.ImageIO.read(dir.resolve("cmp/immiscible/samples-00004.png").toFile()).getWidth())
                .isEqualTo(2 * (2 * 16 + 4));
        // redrawing from the metrics files gives the same table
        String table = Files.readString(dir.resolve("cmp/comparison.md"));
        Files.delete(dir.resolve("cmp/curves.png"));
        assertThat(run(new StringWriter(), new StringWriter(), "--data", data.toString(), "--out",
                dir.resolve("cmp").toString(), "--compare", "fp16", "--plot-only")).isEqualTo(0);
        assertThat(dir.resolve("cmp/curves.png")).isRegularFile();
        assertThat(Files.readString(dir.resolve("cmp/comparison.md"))).isEqualTo(table);
    }

    @Test
    void unknownAssignmentIsRejectedWithTheChoices() {
        StringWriter err = new StringWriter();
        int code = run(new StringWriter(), err, "--data", dir.toString(), "--out", dir.toString(), "--assign", "best");
        assertThat(code).isNotEqualTo(0);
        assertThat(err.toString()).contains("none, exact, fp16 or knn:k").contains("'best'");
    }
}
