package dev.streamcanvas.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.engine.io.Npy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AssignCommandTest {
    @TempDir
    Path dir;

    private int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cl = new CommandLine(new AssignCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void writesAnInt64PermutationThatShortensTheDistances() throws Exception {
        int n = 6;
        int d = 4;
        SplittableRandom rng = new SplittableRandom(2);
        float[] x = new float[n * d];
        float[] e = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
            e[i] = (float) rng.nextDouble(-2, 2);
        }
        Npy.writeFloats(dir.resolve("x.npy"), x, n, 2, 2);
        Npy.writeFloats(dir.resolve("n.npy"), e, n, 2, 2);
        StringWriter out = new StringWriter();
        int code = run(out, new StringWriter(), "--images", dir.resolve("x.npy").toString(), "--noise",
                dir.resolve("n.npy").toString(), "--out", dir.resolve("p.npy").toString(), "--quantize", "fp16");
        assertThat(code).isEqualTo(0);
        Npy.Array p = Npy.read(dir.resolve("p.npy"));
        assertThat(p.dtype()).isEqualTo(Npy.DType.INT64);
        long[] sorted = p.longValues().clone();
        Arrays.sort(sorted);
        assertThat(sorted).containsExactly(0, 1, 2, 3, 4, 5);
        // brute-force the best total over all 720 permutations (row by row, each unused column), by hand-computed distances
        double best = bestTotal(x, e, d, 0, new boolean[n]);
        int[] got = Arrays.stream(p.longValues()).mapToInt(v -> (int) v).toArray();
        assertThat(total(x, e, d, got)).isCloseTo(best, org.assertj.core.api.Assertions.within(1e-3));
        assertThat(out.toString()).contains("n=6 d=4");
    }

    @Test
    void knnNeedsKCandidatesPerImageAndSaysSo() throws Exception {
        Npy.writeFloats(dir.resolve("x.npy"), new float[8], 2, 4);
        Npy.writeFloats(dir.resolve("n.npy"), new float[8], 2, 4);
        StringWriter err = new StringWriter();
        int code = run(new StringWriter(), err, "--images", dir.resolve("x.npy").toString(), "--noise",
                dir.resolve("n.npy").toString(), "--out", dir.resolve("p.npy").toString(), "--knn", "3");
        assertThat(code).isNotEqualTo(0);
        assertThat(err.toString()).contains("expected 6 rows of 4 values").contains("--knn 3");
    }

    @Test
    void benchPrintsOneRowPerSize() {
        StringWriter out = new StringWriter();
        int code = run(out, new StringWriter(), "--bench", "--sizes", "16,32", "--dims", "3072");
        assertThat(code).isEqualTo(0);
        assertThat(out.toString().lines().filter(l -> l.matches("\\s+(16|32)\\s+3072 .*"))).hasSize(2);
    }

    @Test
    void benchPutsScipyOnTheSameArraysNextToOursWithTheSameAssignment() {
        StringBuilder whyNot = new StringBuilder();
        Assumptions.assumeTrue(ScipyReference.find("python3", whyNot).isPresent(),
                () -> "python3 with numpy and scipy is not usable here: " + whyNot);
        StringWriter out = new StringWriter();
        int code = run(out, new StringWriter(), "--bench", "--sizes", "24", "--dims", "3072", "--no-pytorch-cost",
                "--repeats", "1");
        assertThat(code).isEqualTo(0);
        String row = out.toString().lines().filter(l -> l.matches("\\s+24\\s+3072 .*")).findFirst().orElseThrow();
        String[] f = row.trim().split("\\s+");
        // B D cost solve ours java pt scipy-cd scipy-la scipy ratio !=java !=scipy cert fp16 distance
        assertThat(f[10]).endsWith("x");
        assertThat(Double.parseDouble(f[10].replace("x", ""))).isPositive();
        assertThat(f[11]).as("rows differing from the Java reference").isEqualTo("0");
        assertThat(f[12]).as("rows differing from scipy").isEqualTo("0");
        assertThat(Double.parseDouble(f[13])).as("certificate violation").isLessThan(1e-6);
    }

    @Test
    void benchSaysWhyTheScipyColumnIsEmptyWhenPythonIsMissing() {
        StringWriter out = new StringWriter();
        int code = run(out, new StringWriter(), "--bench", "--sizes", "8", "--dims", "3072", "--no-pytorch-cost",
                "--python", dir.resolve("no-such-python").toString());
        assertThat(code).isEqualTo(0);
        assertThat(out.toString()).contains("scipy: skipped").contains("no-such-python");
    }

    private static double total(float[] x, float[] e, int d, int[] p) {
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            s += distance(x, e, d, i, p[i]);
        }
        return s;
    }

    /** The least total distance of rows {@code row..} to the columns not yet {@code used}, by trying them all. */
    private static double bestTotal(float[] x, float[] e, int d, int row, boolean[] used) {
        if (row == used.length) {
            return 0;
        }
        double best = Double.POSITIVE_INFINITY;
        for (int col = 0; col < used.length; col++) {
            if (!used[col]) {
                used[col] = true;
                best = Math.min(best, distance(x, e, d, row, col) + bestTotal(x, e, d, row + 1, used));
                used[col] = false;
            }
        }
        return best;
    }

    private static double distance(float[] x, float[] e, int d, int row, int col) {
        double q = 0;
        for (int k = 0; k < d; k++) {
            double t = x[row * d + k] - e[col * d + k];
            q += t * t;
        }
        return Math.sqrt(q);
    }
}
