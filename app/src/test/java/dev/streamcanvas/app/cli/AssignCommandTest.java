package dev.streamcanvas.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.engine.io.Npy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
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
        // brute-force the best total over all 720 permutations, by hand-computed distances
        double best = Double.POSITIVE_INFINITY;
        int[] perm = {0, 1, 2, 3, 4, 5};
        do {
            best = Math.min(best, total(x, e, d, perm));
        } while (next(perm));
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

    private static double total(float[] x, float[] e, int d, int[] p) {
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            double q = 0;
            for (int k = 0; k < d; k++) {
                double t = x[i * d + k] - e[p[i] * d + k];
                q += t * t;
            }
            s += Math.sqrt(q);
        }
        return s;
    }

    private static boolean next(int[] p) {
        int i = p.length - 2;
        while (i >= 0 && p[i] >= p[i + 1]) {
            i--;
        }
        if (i < 0) {
            return false;
        }
        int j = p.length - 1;
        while (p[j] <= p[i]) {
            j--;
        }
        int t = p[i];
        p[i] = p[j];
        p[j] = t;
        for (int a = i + 1, b = p.length - 1; a < b; a++, b--) {
            t = p[a];
            p[a] = p[b];
            p[b] = t;
        }
        return true;
    }
}
