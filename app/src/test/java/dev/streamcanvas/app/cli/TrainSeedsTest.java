package dev.streamcanvas.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.engine.train.RunMetrics;
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

/** {@code train --compare MODE --seeds ...}: one folder per seed, one VAE, resumable, and the report across seeds. */
class TrainSeedsTest {
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

    private String[] tiny(Path data, Path runDir, String... more) {
        return tiny(data, runDir, 4, 2, more);
    }

    private String[] tiny(Path data, Path runDir, int batch, int steps, String... more) {
        List<String> a = new ArrayList<>(List.of("--data", data.toString(), "--out", runDir.toString(), "--size", "16",
                "--vae-channels", "8", "--unet-channels", "16", "--text-dim", "16", "--vae-steps", "2", "--steps",
                Integer.toString(steps), "--batch", Integer.toString(batch), "--eval-every", "1", "--quality-every", "2", "--held-out", "4", "--compare", "exact",
                "--seed", "7"));
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
    void seedsTrainInTheirFoldersWriteTheReportAndRefuseAnInconsistentResume() throws Exception {
        Path data = data();
        Path cmp = dir.resolve("cmp");
        assertThat(run(tiny(data, cmp, "--seeds", "2"))).as(err.toString()).isZero();
        for (String r : List.of("seed-7/vanilla", "seed-7/immiscible", "seed-8/vanilla", "seed-8/immiscible")) {
            assertThat(cmp.resolve(r).resolve("metrics.csv")).isRegularFile();
        }
        String md = Files.readString(cmp.resolve("comparison.md"));
        assertThat(md).contains("over 2 seeds, batch 4").contains("| 7 | 2 |").contains("| 8 | 2 |").contains("| mean |")
                .contains("Student-t");
        assertThat(out.toString()).contains("the VAE is trained once (by seed 7's vanilla run)");
        assertThat(ImageIO.read(cmp.resolve("curves.png").toFile()).getWidth()).isEqualTo(960);
        // --plot-only redraws the same report from the metrics files
        Files.delete(cmp.resolve("curves.png"));
        assertThat(run("--data", data.toString(), "--out", cmp.toString(), "--compare", "exact", "--plot-only")).isZero();
        assertThat(Files.readString(cmp.resolve("comparison.md"))).isEqualTo(md);
        assertThat(cmp.resolve("curves.png")).isRegularFile();
        // the folder is not replaced silently, and a resume must keep the settings
        assertThat(run(tiny(data, cmp, "--seeds", "2"))).isEqualTo(2);
        assertThat(err.toString()).contains("already holds a training run");
        assertThat(run(tiny(data, cmp, 2, 2, "--seeds", "2", "--resume"))).isEqualTo(2);
        assertThat(err.toString()).contains("comparison.json").contains("batch was 4, now 2").doesNotContain("\tat ");
        // a longer resume with the same settings continues every run
        assertThat(run(tiny(data, cmp, 4, 3, "--seeds", "7,8", "--resume"))).as(err.toString()).isZero();
        assertThat(Files.readAllLines(cmp.resolve("seed-8/immiscible/metrics.csv"))).hasSize(4);
    }

    @Test
    void badSeedListsAreRejected() throws Exception {
        Path data = data();
        assertThat(run(tiny(data, dir.resolve("x"), "--seeds", "7,7"))).isNotZero();
        assertThat(err.toString()).contains("seed 7 is given twice");
        assertThat(run(tiny(data, dir.resolve("x"), "--seeds", "two"))).isNotZero();
        assertThat(err.toString()).contains("a count or a comma-separated list");
    }

    private static final String HEADER = "step,heldout_loss,frechet_distance,train_loss,assign_ms,classifier_fd,"
            + "classifier_fd_std,distance_reduction_pct\n";

    private void metrics(Path cmp, long seed, String run, double[][] rows) throws Exception {
        StringBuilder sb = new StringBuilder(HEADER);
        for (double[] r : rows) { // step, classifier fd, distance reduction (NaN: empty)
            sb.append(String.format(java.util.Locale.ROOT, "%d,0.2,,0.3,0,%s,0.01,%s%n", (long) r[0], r[1],
                    Double.isNaN(r[2]) ? "" : Double.toString(r[2])));
        }
        Path d = Files.createDirectories(cmp.resolve("seed-" + seed).resolve(run));
        Files.writeString(d.resolve("metrics.csv"), sb.toString());
    }

    @Test
    void theReportGivesTheStepsToReachVanillasFinalQualityWithATIntervalAcrossSeeds() throws Exception {
        Path cmp = dir.resolve("hand");
        double nan = Double.NaN;
        // seed 1: vanilla ends at 0.5; immiscible 0.6 -> 0.4 crosses it at 500 + 0.1 / 0.2 * 500 = 750 (ratio 0.75)
        metrics(cmp, 1, "vanilla", new double[][] {{500, 0.8, nan}, {1000, 0.5, nan}});
        metrics(cmp, 1, "immiscible", new double[][] {{500, 0.6, -1.6}, {1000, 0.4, -1.8}});
        // seed 2: vanilla ends at 0.6; immiscible is there at its first evaluation, 500 (ratio 0.5)
        metrics(cmp, 2, "vanilla", new double[][] {{500, 0.9, nan}, {1000, 0.6, nan}});
        metrics(cmp, 2, "immiscible", new double[][] {{500, 0.6, -2.0}, {1000, 0.5, -2.0}});
        // seed 3: vanilla ends at 0.4; immiscible 0.7 -> 0.3 crosses it at 500 + 0.3 / 0.4 * 500 = 875 (ratio 0.875)
        metrics(cmp, 3, "vanilla", new double[][] {{500, 0.7, nan}, {1000, 0.4, nan}});
        metrics(cmp, 3, "immiscible", new double[][] {{500, 0.7, -1.5}, {1000, 0.3, -1.5}});
        String md = SeedReport.write(cmp, "immiscible (exact)");
        assertThat(md).contains("FD on classifier features");
        assertThat(md).contains("| 1 | 1000 | 0.5000 ± 0.0100 | 0.4000 ± 0.0100 | 750 | 0.750 | -1.70 |");
        assertThat(md).contains("| 2 | 1000 | 0.6000 ± 0.0100 | 0.5000 ± 0.0100 | 500 | 0.500 | -2.00 |");
        assertThat(md).contains("| 3 | 1000 | 0.4000 ± 0.0100 | 0.3000 ± 0.0100 | 875 | 0.875 | -1.50 |");
        // ratios 0.75, 0.5, 0.875: mean 0.7083, s 0.19094, t(2, 0.975) 4.3027 -> half width 0.4743
        // reductions -1.7, -2.0, -1.5: mean -1.733, s 0.25166 -> half width 0.6252
        // steps 750, 500, 875: mean 708.3, s 190.94 -> half width 474.3
        assertThat(md).contains("| mean | 1000 | 0.5000 ± 0.2484 | 0.4000 ± 0.2484 | 708 ± 474 | 0.708 ± 0.474 | -1.73 ± 0.63 | |");
        assertThat(md).contains("in 3 of 3 seeds");
        // each seed faint and the mean bold, per arm and panel
        List<SeedReport.Line> lines = SeedReport.lines(RunMetrics.readSeeds(cmp), m -> m.classifierFd());
        assertThat(lines).hasSize(8);
        assertThat(lines.get(6).points()).extracting(p -> p.value())
                .satisfiesExactly(v -> assertThat(v).isCloseTo(0.8, org.assertj.core.api.Assertions.within(1e-12)),
                        v -> assertThat(v).isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-12)));
        assertThat(lines.get(6).width()).isGreaterThan(lines.get(0).width());
    }
}
