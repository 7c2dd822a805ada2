package dev.streamcanvas.app.cli;

import dev.streamcanvas.engine.io.Npy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The scipy baseline of {@code assign --bench}: a python3 with numpy and scipy, run on .npy files we write, timing
 * {@code scipy.spatial.distance.cdist(x, e)} (Euclidean) and {@code scipy.optimize.linear_sum_assignment} on the
 * result, as a Python user of Immiscible Diffusion would call them. The timing happens inside Python
 * ({@code time.perf_counter}), so interpreter start and file loading are not counted.
 */
final class ScipyReference {
    /** Reads x, e (.npy), repeats; writes the assignment (int64 .npy); prints "cdist_ms lsa_ms total_ms cost". */
    private static final String SCRIPT = """
            import sys, time
            import numpy as np
            from scipy.spatial.distance import cdist
            from scipy.optimize import linear_sum_assignment
            x = np.load(sys.argv[1]); e = np.load(sys.argv[2]); reps = int(sys.argv[3])
            cd, ls, tot = [], [], []
            for _ in range(reps):
                t0 = time.perf_counter()
                c = cdist(x, e)
                t1 = time.perf_counter()
                rows, cols = linear_sum_assignment(c)
                t2 = time.perf_counter()
                cd.append(t1 - t0); ls.append(t2 - t1); tot.append(t2 - t0)
            np.save(sys.argv[4], cols.astype(np.int64))
            print("%.3f %.3f %.3f %.9g" % (min(cd) * 1e3, min(ls) * 1e3, min(tot) * 1e3, c[rows, cols].sum()))
            """;

    /** Best times in ms over the repeats, the optimal total cost scipy found, and its assignment. */
    record Timing(double cdistMs, double solveMs, double totalMs, double cost, int[] noiseFor) {
    }

    private final String python;
    private final String versions;

    private ScipyReference(String python, String versions) {
        this.python = python;
        this.versions = versions;
    }

    /** "numpy X, scipy Y, Python Z". */
    String versions() {
        return versions;
    }

    /** The reference when {@code python} runs and imports numpy and scipy; otherwise empty with the reason. */
    static Optional<ScipyReference> find(String python, StringBuilder whyNot) {
        try {
            List<String> out = exec(List.of(python, "-c",
                    "import sys, numpy, scipy; print('numpy %s, scipy %s, Python %s' % (numpy.__version__, "
                            + "scipy.__version__, sys.version.split()[0]))"), 60);
            return Optional.of(new ScipyReference(python, out.isEmpty() ? "" : out.get(out.size() - 1)));
        } catch (IOException e) {
            whyNot.append(e.getMessage());
            return Optional.empty();
        }
    }

    /** Runs cdist + linear_sum_assignment {@code repeats} times on the arrays in {@code x} and {@code e}. */
    Timing run(Path x, Path e, int repeats, Path work) throws IOException {
        Path script = work.resolve("scipy_assign.py");
        if (!Files.exists(script)) {
            Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
        }
        Path perm = work.resolve("scipy_perm.npy");
        List<String> out = exec(List.of(python, script.toString(), x.toString(), e.toString(),
                Integer.toString(repeats), perm.toString()), 3600);
        String[] f = out.isEmpty() ? new String[0] : out.get(out.size() - 1).trim().split("\\s+");
        if (f.length != 4) {
            throw new IOException("scipy reference printed " + out + ", expected 'cdist_ms lsa_ms total_ms cost'");
        }
        long[] p = Npy.read(perm).longValues();
        int[] noiseFor = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            noiseFor[i] = (int) p[i];
        }
        return new Timing(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                Double.parseDouble(f[3]), noiseFor);
    }

    private static List<String> exec(List<String> command, long timeoutS) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException(command.get(0) + " cannot be started (" + e.getMessage() + ")", e);
        }
        List<String> lines = new ArrayList<>();
        try (var r = p.inputReader(StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
        }
        try {
            if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish within " + timeoutS + " s");
            }
        } catch (InterruptedException ie) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + command.get(0), ie);
        }
        if (p.exitValue() != 0) {
            String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
            throw new IOException(String.format(Locale.ROOT, "%s exited with %d: %s", String.join(" ", command.subList(0,
                    Math.min(2, command.size()))), p.exitValue(), last));
        }
        return lines;
    }
}
