package dev.streamcanvas.app.cli;

import dev.streamcanvas.engine.model.Device;
import dev.streamcanvas.engine.model.DiffusionModel;
import dev.streamcanvas.engine.stream.FilterSettings;
import dev.streamcanvas.engine.stream.GuidanceMode;
import dev.streamcanvas.engine.stream.StreamSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The long runs of {@code bench}: {@code --soak N} streams N frames through the live engine (input changing every
 * frame, prompt, strength and seed changed every 1000 frames, similarity filter on) and {@code --switches N}
 * alternates between two model folders N times, sampling memory as they go. Memory per sample: Java heap used
 * after a full GC, the process's resident set (VmRSS), and the native memory outside the JVM's own committed
 * heap and non-heap (RSS minus both: ONNX Runtime's arenas and sessions, plus the JVM's own native overhead).
 */
final class SoakBench {
    static final int EVERY = 1000;
    private static final String[] PROMPTS = {"a watercolor portrait", "a city at night, neon", "an oil painting of a cat",
        "a pencil sketch of mountains"};
    private static final double[] STRENGTHS = {0.4, 0.6, 0.8, 0.5};

    /** One memory sample: after {@code count} frames (or switches). */
    record Sample(long count, double fps, double heapMb, double rssMb, double nativeMb, long lost) {
    }

    private SoakBench() {
    }

    /** Heap after GC, RSS and native memory now, in MB. */
    static double[] memory() {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        double heap = mx.getHeapMemoryUsage().getUsed() / 1048576.0;
        double committed = (mx.getHeapMemoryUsage().getCommitted() + mx.getNonHeapMemoryUsage().getCommitted())
                / 1048576.0;
        double rss = rssMb();
        return new double[] {heap, rss, rss - committed};
    }

    /** VmRSS of this process (Linux /proc), NaN elsewhere. */
    static double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    /** Streams {@code n} frames; prints a line per {@value #EVERY} frames and the summary. */
    static int soak(PrintWriter out, PrintWriter err, StreamOptions common, int steps, int n, Cancellation cancel)
            throws Exception {
        DiffusionModel model = DiffusionModel.load(common.model, common.device, common.tinyVae);
        int[] size = common.sizeOr(model.fixedSize());
        StreamSettings base = settings(0, steps, size, model.singleStep());
        List<Sample> samples = new ArrayList<>();
        long lost = 0;
        long ran = 0; // frames the models ran on; the similarity filter skips the rest and shows the last output again
        try (SyncStream stream = new SyncStream(base, false)) {
            stream.setModel(model);
            out.printf(Locale.ROOT, "soak: model %s, %dx%d, %d steps, %d frames, similarity filter on; one line per %d "
                    + "frames%n", model.name(), size[0], size[1], steps, n, EVERY);
            out.printf(Locale.ROOT, "%10s %8s %10s %9s %11s %6s%n", "frames", "fps", "heap MB", "RSS MB", "native MB",
                    "lost");
            out.flush();
            long t0 = System.nanoTime();
            for (int k = 0; k < n; k++) {
                if (cancel.cancelled()) {
                    err.println("bench: soak cancelled after " + k + " frames");
                    break;
                }
                if (k > 0 && k % EVERY == 0) {
                    double fps = EVERY / ((System.nanoTime() - t0) / 1e9);
                    double[] m = memory();
                    samples.add(new Sample(k, fps, m[0], m[1], m[2], lost));
                    out.printf(Locale.ROOT, "%10d %8.1f %10.1f %9.1f %11.1f %6d%n", k, fps, m[0], m[1], m[2], lost);
                    out.flush();
                    stream.apply(settings(k / EVERY, steps, size, model.singleStep()));
                    t0 = System.nanoTime();
                }
                try {
                    if (!stream.run(BenchCommand.frame(size[0], size[1], k), size[0], size[1]).timings().skipped()) {
                        ran++;
                    }
                } catch (IllegalStateException e) { // a frame the engine reported as failed: counted, the run goes on
                    if (lost++ < 3) {
                        err.println("bench: frame " + k + " lost: " + e.getMessage());
                    }
                }
            }
        }
        summary(out, "frames", samples);
        out.printf(Locale.ROOT, "frames lost (failed or without output): %d of %d%n", lost, n);
        out.printf(Locale.ROOT, "frames the models ran on: %d of %d (the similarity filter skipped the rest; fps counts "
                + "every frame)%n", ran, n);
        out.flush();
        return 0;
    }

    /** The settings of block {@code b}: prompt, strength and seed change with every block. */
    private static StreamSettings settings(int b, int steps, int[] size, boolean direct) {
        return StreamSettings.builder().prompt(PROMPTS[b % PROMPTS.length]).strength(STRENGTHS[b % STRENGTHS.length])
                .seed(1000 + b).slots(steps).size(size[0], size[1]).directStep(direct).guidance(GuidanceMode.NONE)
                .filter(FilterSettings.on(0.98, 10)).build();
    }

    /** Alternates between two model folders {@code n} times (one frame on each), sampling every {@code n / 10}. */
    static int switches(PrintWriter out, PrintWriter err, StreamOptions common, Path other, int n, Cancellation cancel)
            throws Exception {
        int every = Math.max(1, n / 10);
        Device device = common.device;
        List<Sample> samples = new ArrayList<>();
        int[] size;
        try (DiffusionModel probe = DiffusionModel.load(common.model, device, common.tinyVae)) {
            size = common.size != null ? common.size.toArray() : probe.fixedSize() != null ? probe.fixedSize()
                    : new int[] {64, 64};
        }
        StreamSettings s = settings(0, 2, size, false);
        try (SyncStream stream = new SyncStream(s, false)) {
            out.printf(Locale.ROOT, "switches: %s <-> %s, %d switches, one line per %d%n", common.model, other, n, every);
            out.printf(Locale.ROOT, "%10s %8s %10s %9s %11s%n", "switches", "per s", "heap MB", "RSS MB", "native MB");
            long t0 = System.nanoTime();
            for (int k = 0; k <= n; k++) {
                if (cancel.cancelled()) {
                    err.println("bench: switches cancelled after " + k);
                    break;
                }
                if (k > 0 && k % every == 0) {
                    double rate = every / ((System.nanoTime() - t0) / 1e9);
                    double[] m = memory();
                    samples.add(new Sample(k, rate, m[0], m[1], m[2], 0));
                    out.printf(Locale.ROOT, "%10d %8.1f %10.1f %9.1f %11.1f%n", k, rate, m[0], m[1], m[2]);
                    out.flush();
                    t0 = System.nanoTime();
                }
                if (k == n) {
                    break;
                }
                Path dir = k % 2 == 0 ? common.model : other;
                stream.load(dir.toString(), DiffusionModel.loader(dir, device, common.tinyVae));
                stream.run(BenchCommand.frame(size[0], size[1], k), size[0], size[1]);
            }
        }
        summary(out, "switches", samples);
        return 0;
    }

    /**
     * Start (the first sample, after the first block as warm-up), middle and end, and the change from start to
     * end in percent.
     */
    private static void summary(PrintWriter out, String what, List<Sample> s) {
        if (s.size() < 2) {
            out.println("too few samples for a summary (run more than " + EVERY + " " + what + ")");
            return;
        }
        Sample a = s.get(0);
        Sample m = s.get(s.size() / 2);
        Sample z = s.get(s.size() - 1);
        out.printf(Locale.ROOT, "summary (%s %d / %d / %d): heap %.1f / %.1f / %.1f MB (%+.1f %%), RSS %.1f / %.1f / "
                + "%.1f MB (%+.1f %%), native %.1f / %.1f / %.1f MB; rate %.1f / %.1f / %.1f per s%n", what,
                a.count(), m.count(), z.count(), a.heapMb(), m.heapMb(), z.heapMb(), pct(a.heapMb(), z.heapMb()),
                a.rssMb(), m.rssMb(), z.rssMb(), pct(a.rssMb(), z.rssMb()), a.nativeMb(), m.nativeMb(), z.nativeMb(),
                a.fps(), m.fps(), z.fps());
    }

    private static double pct(double a, double b) {
        return 100 * (b - a) / a;
    }
}
