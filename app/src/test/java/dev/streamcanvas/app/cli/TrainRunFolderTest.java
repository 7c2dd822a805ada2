package dev.streamcanvas.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code train --out} never silently replaces a run, and a bad checkpoint or metrics file is named in one line. */
class TrainRunFolderTest {
    @TempDir
    Path dir;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cl = new CommandLine(new TrainCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    private String[] tiny(Path data, Path runDir, int steps, String... more) {
        List<String> a = new ArrayList<>(List.of("--data", data.toString(), "--out", runDir.toString(), "--size", "16",
                "--vae-channels", "8", "--unet-channels", "16", "--text-dim", "16", "--vae-steps", "2", "--steps",
                Integer.toString(steps), "--batch", "4", "--eval-every", "1", "--quality-every", "0",
                "--held-out", "4", "--checkpoint-every", "1"));
        a.addAll(Arrays.asList(more));
        return a.toArray(String[]::new);
    }

    private Path data() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        for (int i = 0; i < 10; i++) {
            BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
            for (int p = 0; p < 256; p++) {
                img.setRGB(p % 16, p / 16, p / 16 < 3 + i ? 0x2040ff : 0xffff00);
            }
            ImageIO.write(img, "png", data.resolve("i" + i + ".png").toFile());
        }
        return data;
    }

    @Test
    void anExistingRunIsNeverSilentlyReplacedAndBadCheckpointsAreNamed() throws Exception {
        Path data = data();
        Path runDir = dir.resolve("run");
        assertThat(run(tiny(data, runDir, 3))).as(err.toString()).isZero();
        assertThat(out.toString()).contains("note: --held-out 4: holding out 2 of the 10 images");
        Path ckpt = runDir.resolve("checkpoint.bin");
        byte[] good = Files.readAllBytes(ckpt);
        byte[] metrics = Files.readAllBytes(runDir.resolve("metrics.csv"));

        // the same command again, fewer steps, no --resume: refused, nothing touched
        assertThat(run(tiny(data, runDir, 1))).isEqualTo(2);
        assertThat(err.toString()).contains(runDir.toString()).contains("already holds a training run")
                .contains("--resume").contains("--overwrite").contains("new --out folder");
        assertThat(Files.readAllBytes(ckpt)).isEqualTo(good);
        assertThat(Files.readAllBytes(runDir.resolve("metrics.csv"))).isEqualTo(metrics);

        // --resume where there is no checkpoint: refused instead of starting from scratch
        assertThat(run(tiny(data, dir.resolve("empty"), 3, "--resume"))).isEqualTo(2);
        assertThat(err.toString()).contains("holds no checkpoint.bin to continue from");

        // a truncated and a garbage checkpoint: one line naming the file, the file left as it was
        for (byte[] bad : new byte[][] {Arrays.copyOf(good, good.length / 2), garbage(good.length)}) {
            Files.write(ckpt, bad);
            assertThat(run(tiny(data, runDir, 4, "--resume"))).isEqualTo(2);
            assertThat(err.toString()).startsWith("train: " + ckpt).doesNotContain("\tat ");
            assertThat(Files.readAllBytes(ckpt)).isEqualTo(bad);
        }

        // --overwrite replaces it on purpose
        assertThat(run(tiny(data, runDir, 1, "--overwrite"))).as(err.toString()).isZero();
        assertThat(Files.readAllLines(runDir.resolve("metrics.csv"))).hasSize(2);
    }

    private static byte[] garbage(int n) {
        byte[] b = new byte[n];
        new java.util.Random(3).nextBytes(b);
        b[0] = 0; // a plausible UTF length prefix for the header string ...
        b[1] = 31;
        System.arraycopy("streamcanvas-train-checkpoint-1".getBytes(), 0, b, 2, 31); // ... and the right header
        return b;
    }

    @Test
    void plotOnlyOnABadMetricsFileNamesTheFileAndLine() throws Exception {
        Path cmp = dir.resolve("cmp");
        Files.createDirectories(cmp.resolve("vanilla"));
        Files.createDirectories(cmp.resolve("immiscible"));
        String header = "step,heldout_loss,frechet_distance,train_loss,assign_ms\n";
        Files.writeString(cmp.resolve("vanilla/metrics.csv"), header + "1,0.5,,0.4,0\n2,abc,,0.3,0\n");
        Files.writeString(cmp.resolve("immiscible/metrics.csv"), header + "1,0.5,,0.4,0\n");
        assertThat(run("--data", dir.toString(), "--out", cmp.toString(), "--compare", "exact", "--plot-only"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("vanilla").contains("metrics.csv:3: field 2 'abc' is not a number")
                .doesNotContain("\tat ");
    }

    @Test
    void initFromStartsANewFolderAndTheSameCommandResumesIt() throws Exception {
        Path data = data();
        Path base = dir.resolve("base");
        assertThat(run(tiny(data, base, 3))).as(err.toString()).isZero();
        Path next = dir.resolve("next");
        // one command line for the first start and for every restart: --resume is accepted before a checkpoint exists
        assertThat(run(tiny(data, next, 5, "--init-from", base.toString(), "--resume"))).as(err.toString()).isZero();
        assertThat(dev.streamcanvas.engine.train.Checkpoint.readMeta(next.resolve("checkpoint.bin")).unetSteps())
                .isEqualTo(5);
        assertThat(run(tiny(data, next, 6, "--init-from", base.toString(), "--resume"))).as(err.toString()).isZero();
        assertThat(dev.streamcanvas.engine.train.Checkpoint.readMeta(next.resolve("checkpoint.bin")).unetSteps())
                .isEqualTo(6);
        // the run it started from is left as it was
        assertThat(dev.streamcanvas.engine.train.Checkpoint.readMeta(base.resolve("checkpoint.bin")).unetSteps())
                .isEqualTo(3);
    }
}
