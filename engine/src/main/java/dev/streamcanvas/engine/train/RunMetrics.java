package dev.streamcanvas.engine.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads what {@link Trainer} and {@link SeedComparison} write: a run's {@code metrics.csv} and the seed folders of a
 * multi-seed comparison, for the CLI's reports and the Train tab's "Open results".
 */
public final class RunMetrics {
    private static final Pattern SEED_DIR = Pattern.compile("seed-(-?\\d+)");

    /** One seed's two runs. */
    public record SeedRuns(long seed, List<Measurement> vanilla, List<Measurement> immiscible) {
    }

    private RunMetrics() {
    }

    /** Reads a run's metrics.csv (step, held-out loss, Frechet distance or empty, train loss, assign ms). */
    public static List<Measurement> read(Path file) throws IOException {
        List<Measurement> rows = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(file + ": not found (expected the metrics of a finished or running run)", e);
        }
        // files before the classifier metric have 5 columns, later ones 8 (Trainer.METRICS_HEADER)
        int cols = lines.isEmpty() ? 5 : lines.get(0).split(",", -1).length;
        if (cols != 5 && cols != 8) {
            throw new IOException(file + ":1: expected the header of 5 or 8 columns (" + Trainer.METRICS_HEADER
                    + "), found " + cols);
        }
        for (int n = 1; n < lines.size(); n++) {
            if (lines.get(n).isEmpty()) {
                continue;
            }
            String[] f = lines.get(n).split(",", -1);
            if (f.length != cols) {
                throw new IOException(file + ":" + (n + 1) + ": expected " + cols + " comma-separated fields, found " + f.length);
            }
            double[] r = new double[8];
            java.util.Arrays.fill(r, Double.NaN);
            for (int k = 0; k < cols; k++) {
                try {
                    r[k] = f[k].isEmpty() ? Double.NaN : Double.parseDouble(f[k]);
                } catch (NumberFormatException e) {
                    throw new IOException(file + ":" + (n + 1) + ": field " + (k + 1) + " '" + f[k]
                            + "' is not a number", e);
                }
            }
            rows.add(new Measurement((int) r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]));
        }
        return rows;
    }

    /** Whether {@code out} is a multi-seed comparison folder (a manifest or a seed-S folder). */
    public static boolean isSeedFolder(Path out) throws IOException {
        return Files.exists(out.resolve(SeedComparison.MANIFEST)) || !seedFolders(out).isEmpty();
    }

    /** The seeds of a comparison folder, in the manifest's order when there is one, else by seed. */
    public static List<Long> seedFolders(Path out) throws IOException {
        Path manifest = out.resolve(SeedComparison.MANIFEST);
        List<Long> seeds = new ArrayList<>();
        if (Files.exists(manifest)) {
            JsonNode m = new ObjectMapper().readTree(manifest.toFile());
            String list = m.path("seeds").asText("").replaceAll("[\\[\\] ]", "");
            for (String s : list.split(",")) {
                if (!s.isEmpty()) {
                    seeds.add(Long.parseLong(s));
                }
            }
            return seeds;
        }
        if (!Files.isDirectory(out)) {
            return seeds;
        }
        try (Stream<Path> dirs = Files.list(out)) {
            dirs.forEach(d -> {
                Matcher mt = SEED_DIR.matcher(d.getFileName().toString());
                if (mt.matches() && Files.isDirectory(d)) {
                    seeds.add(Long.parseLong(mt.group(1)));
                }
            });
        }
        seeds.sort(null);
        return seeds;
    }

    /** Every seed's two runs from their metrics.csv files. */
    public static List<SeedRuns> readSeeds(Path out) throws IOException {
        List<SeedRuns> seeds = new ArrayList<>();
        for (long s : seedFolders(out)) {
            Path d = out.resolve(SeedComparison.seedFolder(s));
            seeds.add(new SeedRuns(s, read(d.resolve(TrainComparison.VANILLA).resolve("metrics.csv")),
                    read(d.resolve(TrainComparison.IMMISCIBLE).resolve("metrics.csv"))));
        }
        if (seeds.isEmpty()) {
            throw new IOException(out + ": no seed-S folders with metrics to report");
        }
        return seeds;
    }
}
