package dev.streamcanvas.engine.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamcanvas.engine.assign.NoiseAssignment;
import dev.streamcanvas.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Vanilla versus immiscible over several seeds (issue 14): one {@link TrainComparison} per seed, in
 * {@code base.outDir()/seed-S/{vanilla,immiscible}}, all advanced in turns of {@code chunk} UNet steps on one thread.
 * Every run shares one VAE: the first seed's vanilla run trains it (or all take {@code base.vaeFrom()} when given),
 * so seeds differ in UNet/text initialisation, data order, flips, timesteps and noise, and within a seed the two
 * runs differ only in the noise pairing. {@code base.outDir()/comparison.json} records the settings; a resume
 * ({@code base.resume()}) with different settings is refused, naming them (steps may grow, to train longer). On
 * cancel every started run writes its checkpoint before {@link #run} returns. Control methods may be called from
 * any thread.
 */
public final class SeedComparison implements AutoCloseable {
    /** The settings file of a multi-seed comparison folder. */
    public static final String MANIFEST = "comparison.json";

    /** A listener for the run {@code run} ({@link TrainComparison#VANILLA} or {@link TrainComparison#IMMISCIBLE}) of a seed. */
    @FunctionalInterface
    public interface Listeners {
        TrainListener of(long seed, String run);
    }

    private final List<Long> seeds;
    private final List<TrainComparison> comparisons = new ArrayList<>();
    private volatile boolean cancelled;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** Folder name of a seed's comparison inside the comparison folder. */
    public static String seedFolder(long seed) {
        return "seed-" + seed;
    }

    /**
     * The plans of all seeds: seed S trains in {@code out/seed-S}; the first seed's vanilla run trains the VAE (unless
     * {@code base.vaeFrom()} is given) and every other run takes it from there.
     */
    public static List<TrainComparison.Plan> plans(TrainConfig base, NoiseAssignment.Mode mode, int k, List<Long> seeds) {
        if (seeds.isEmpty() || seeds.stream().distinct().count() != seeds.size()) {
            throw new IllegalArgumentException("need one or more distinct seeds, got " + seeds);
        }
        if (mode == NoiseAssignment.Mode.NONE) {
            throw new IllegalArgumentException("a seed comparison needs an immiscible assignment (exact, fp16 or knn)");
        }
        Path shared = base.vaeFrom() != null ? base.vaeFrom()
                : base.outDir().resolve(seedFolder(seeds.get(0))).resolve(TrainComparison.VANILLA);
        List<TrainComparison.Plan> out = new ArrayList<>();
        for (int s = 0; s < seeds.size(); s++) {
            TrainConfig cfg = base.withSeed(seeds.get(s)).withOutDir(base.outDir().resolve(seedFolder(seeds.get(s))));
            TrainComparison.Plan p = TrainComparison.plan(cfg, mode, k);
            TrainConfig v = s == 0 ? p.vanilla() : p.vanilla().withVaeFrom(shared);
            out.add(new TrainComparison.Plan(v, p.immiscible().withVaeFrom(shared)));
        }
        return out;
    }

    /** With the engine's trainers. */
    public SeedComparison(TrainConfig base, NoiseAssignment.Mode mode, int k, List<Long> seeds, ImageFolder data,
            Listeners listeners) throws IOException {
        this(base, mode, k, seeds, data, listeners, Trainer::new);
    }

    /**
     * Checks (on resume) or writes the manifest, then creates every seed's two trainers.
     *
     * @throws IOException naming the manifest and the settings that differ when a resume does not match the folder
     */
    public SeedComparison(TrainConfig base, NoiseAssignment.Mode mode, int k, List<Long> seeds, ImageFolder data,
            Listeners listeners, TrainComparison.TrainerFactory factory) throws IOException {
        List<TrainComparison.Plan> plans = plans(base, mode, k, seeds);
        this.seeds = List.copyOf(seeds);
        Map<String, String> manifest = manifest(base, mode, k, seeds);
        Path file = base.outDir().resolve(MANIFEST);
        if (base.resume()) {
            checkResume(file, manifest);
        }
        try {
            for (int s = 0; s < plans.size(); s++) {
                long seed = seeds.get(s);
                comparisons.add(new TrainComparison(plans.get(s), data, run -> listeners.of(seed, run), factory));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        // written once the runs could be set up (a refused classifier leaves no half-started comparison behind)
        Files.createDirectories(base.outDir());
        AtomicFiles.write(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
    }

    /** The settings that must stay the same for a resume (everything but the step count), as strings. */
    static Map<String, String> manifest(TrainConfig base, NoiseAssignment.Mode mode, int k, List<Long> seeds) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("seeds", seeds.toString());
        m.put("assignment", mode == NoiseAssignment.Mode.KNN ? "knn:" + k : mode.name().toLowerCase(java.util.Locale.ROOT));
        m.put("model", base.model().toString());
        m.put("batch", Integer.toString(base.batch()));
        m.put("lr", Float.toString(base.lr()));
        m.put("vaeLr", Float.toString(base.vaeLr()));
        m.put("vaeSteps", Integer.toString(base.vaeSteps()));
        m.put("vaeFrom", Objects.toString(base.vaeFrom(), ""));
        m.put("heldOut", Integer.toString(base.heldOut()));
        m.put("bpeMerges", Integer.toString(base.bpeMerges()));
        m.put("sampleSteps", Integer.toString(base.sampleSteps()));
        m.put("evalEvery", Integer.toString(base.evalEvery()));
        m.put("qualityEvery", Integer.toString(base.qualityEvery()));
        m.put("shortCaptions", Float.toString(base.shortCaptions()));
        m.put("classifier", Objects.toString(base.classifierDir(), ""));
        m.put("qualitySamples", Integer.toString(base.qualitySamples()));
        m.put("steps", Integer.toString(base.steps()));
        return m;
    }

    private static void checkResume(Path file, Map<String, String> asked) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException(file + ": missing, so this folder is not a multi-seed comparison to resume "
                    + "(start one without --resume, or resume a single-seed comparison without --seeds)");
        }
        JsonNode had = new ObjectMapper().readTree(file.toFile());
        List<String> diffs = new ArrayList<>();
        for (Map.Entry<String, String> e : asked.entrySet()) {
            String old = had.path(e.getKey()).asText("");
            if (e.getKey().equals("steps")) {
                continue; // a resume may train longer (or stop earlier)
            }
            if (!old.equals(e.getValue())) {
                diffs.add(e.getKey() + " was " + (old.isEmpty() ? "(none)" : old) + ", now "
                        + (e.getValue().isEmpty() ? "(none)" : e.getValue()));
            }
        }
        if (!diffs.isEmpty()) {
            throw new IOException(file + ": --resume with other settings than the comparison was started with ("
                    + String.join("; ", diffs) + "); resume with the same settings, or start a new --out folder");
        }
    }

    /**
     * Trains every run to its configured steps, alternating every {@code chunk} UNet steps (seed by seed, vanilla
     * first; the first vanilla run trains the shared VAE before anything else). When cancelled, every run that
     * started and is not finished writes its checkpoint before this returns CANCELLED.
     */
    public Trainer.Outcome run(int chunk) throws IOException {
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk must be at least 1, got " + chunk);
        }
        List<Trainer> started = new ArrayList<>();
        for (int target = 0; ; target += chunk) {
            boolean all = true;
            for (Trainer t : trainers()) {
                if (!started.contains(t)) {
                    started.add(t);
                }
                Trainer.Outcome o = t.runUntil(target);
                if (o == Trainer.Outcome.CANCELLED || cancelled) {
                    for (Trainer s : started) {
                        if (s.unetStepsDone() < s.config().steps() && !Float.isNaN(s.scalingFactor())) {
                            s.cancel();
                            s.runUntil(Integer.MAX_VALUE); // writes the checkpoint and returns CANCELLED
                        }
                    }
                    return Trainer.Outcome.CANCELLED;
                }
                all &= o == Trainer.Outcome.COMPLETED;
            }
            if (all) {
                return Trainer.Outcome.COMPLETED;
            }
        }
    }

    public List<Long> seeds() {
        return seeds;
    }

    /** One comparison per seed, in seed order. */
    public List<TrainComparison> comparisons() {
        return List.copyOf(comparisons);
    }

    /** All runs: per seed vanilla then immiscible. */
    public List<Trainer> trainers() {
        List<Trainer> out = new ArrayList<>();
        comparisons.forEach(c -> out.addAll(c.trainers()));
        return out;
    }

    public void pause() {
        comparisons.forEach(TrainComparison::pause);
    }

    public void resume() {
        comparisons.forEach(TrainComparison::resume);
    }

    public void cancel() {
        cancelled = true;
        comparisons.forEach(TrainComparison::cancel);
    }

    /** Closes every trainer (once), the last seed first. Not while {@link #run} is running. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        RuntimeException first = null;
        for (int i = comparisons.size() - 1; i >= 0; i--) {
            try {
                comparisons.get(i).close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
