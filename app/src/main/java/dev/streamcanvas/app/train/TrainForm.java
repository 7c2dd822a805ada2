package dev.streamcanvas.app.train;

import dev.streamcanvas.engine.assign.NoiseAssignment;
import dev.streamcanvas.engine.train.MicroSdConfig;
import dev.streamcanvas.engine.train.SeedComparison;
import dev.streamcanvas.engine.train.TrainComparison;
import dev.streamcanvas.engine.train.TrainConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Train tab's configuration form: the fields as typed, checked into a {@link Setup} on start. UI thread only.
 */
public final class TrainForm {
    /** The most seeds one start trains (each seed is a vanilla and an immiscible run). */
    public static final int MAX_SEEDS = 8;

    /**
     * One start's checked configuration.
     *
     * @param base  shared settings; its out dir is the output folder
     * @param mode  the immiscible run's assignment (NONE: the vanilla run only, one seed)
     * @param k     candidates per latent for KNN, else 1
     * @param seeds the seeds, {@code base.seed()} first; one seed trains {@code OUT/{vanilla,immiscible}} as a
     *              {@link TrainComparison}, several train {@code OUT/seed-S/...} as a {@link SeedComparison}
     */
    public record Setup(TrainConfig base, NoiseAssignment.Mode mode, int k, List<Long> seeds) {
        public Setup {
            seeds = List.copyOf(seeds);
        }

        public boolean severalSeeds() {
            return seeds.size() > 1;
        }

        /** The single-seed plan (vanilla and immiscible in {@code OUT/vanilla}, {@code OUT/immiscible}). */
        public TrainComparison.Plan plan() {
            return TrainComparison.plan(base, mode, k);
        }

        /** How many runs train in turns: per seed a vanilla run and, unless the mode is NONE, an immiscible one. */
        public int runCount() {
            return (mode == NoiseAssignment.Mode.NONE ? 1 : 2) * seeds.size();
        }

        /** The VAE steps (trained once) plus every run's UNet steps. */
        public int totalSteps() {
            return base.vaeSteps() + runCount() * base.steps();
        }
    }

    /** Noise pairing of the immiscible run; NONE trains the vanilla run only. */
    public enum AssignmentChoice {
        NONE("none (vanilla only)", NoiseAssignment.Mode.NONE), EXACT("exact", NoiseAssignment.Mode.EXACT),
        FP16("fp16 (quantized)", NoiseAssignment.Mode.FP16), KNN("nearest of k", NoiseAssignment.Mode.KNN);

        private final String label;
        private final NoiseAssignment.Mode mode;

        AssignmentChoice(String label, NoiseAssignment.Mode mode) {
            this.label = label;
            this.mode = mode;
        }

        public NoiseAssignment.Mode mode() {
            return mode;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** A named model size. */
    public record ModelPreset(String name, MicroSdConfig config) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The presets offered: the CLI's default size, the larger standard one, a tiny one for a quick try. */
    public static List<ModelPreset> presets() {
        return List.of(new ModelPreset("micro 64 px", new MicroSdConfig(64, 16, 32, 64, 2, 4, 77, 8)),
                new ModelPreset("standard 64 px (larger)", MicroSdConfig.standard()),
                new ModelPreset("tiny 16 px (quick try)", MicroSdConfig.tiny()));
    }

    private final ObservableList<ModelPreset> modelPresets = FXCollections.observableArrayList(presets());
    private final ObjectProperty<ModelPreset> modelPreset = new SimpleObjectProperty<>(modelPresets.get(0));
    private final StringProperty steps = new SimpleStringProperty("3000");
    private final StringProperty vaeSteps = new SimpleStringProperty("2000");
    private final StringProperty batch = new SimpleStringProperty("32");
    private final StringProperty learningRate = new SimpleStringProperty("0.001");
    private final ObjectProperty<AssignmentChoice> assignment = new SimpleObjectProperty<>(AssignmentChoice.EXACT);
    private final StringProperty knnK = new SimpleStringProperty("4");
    private final StringProperty seed = new SimpleStringProperty("1234");
    private final ObservableList<Integer> seedCounts = FXCollections.observableArrayList(
            IntStream.rangeClosed(1, MAX_SEEDS).boxed().toList());
    private final ObjectProperty<Integer> seeds = new SimpleObjectProperty<>(1);
    private final StringProperty evalEvery = new SimpleStringProperty("50");
    private final StringProperty sampleEvery = new SimpleStringProperty("250");
    private final ObjectProperty<Path> outputFolder = new SimpleObjectProperty<>();

    TrainForm(Path outputRoot) {
        outputFolder.set(outputRoot);
    }

    /**
     * The checked configuration of one start: per seed the vanilla run and, unless the assignment is NONE, the
     * immiscible run with the same seed, data order and (the first vanilla run's) VAE.
     *
     * @throws IllegalArgumentException naming the bad field
     */
    Setup setup() {
        int s = positive("Steps", steps.get(), 1);
        int v = positive("VAE steps", vaeSteps.get(), 0);
        int b = positive("Batch", batch.get(), 1);
        float lr;
        try {
            lr = Float.parseFloat(learningRate.get().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Learning rate must be a number like 0.001, got '" + learningRate.get() + "'.");
        }
        if (!(lr > 0) || lr > 1) {
            throw new IllegalArgumentException("Learning rate must be in (0, 1], got " + learningRate.get().trim() + ".");
        }
        long sd;
        try {
            sd = Long.parseLong(seed.get().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Seed must be a whole number, got '" + seed.get() + "'.");
        }
        int eval = positive("Metrics every", evalEvery.get(), 1);
        int sample = positive("Samples every", sampleEvery.get(), 1);
        AssignmentChoice a = assignment.get();
        int k = a == AssignmentChoice.KNN ? positive("k", knnK.get(), 1) : 1;
        int n = seeds.get() == null ? 1 : seeds.get();
        if (n < 1 || n > MAX_SEEDS) {
            throw new IllegalArgumentException("Seeds must be from 1 to " + MAX_SEEDS + ", got " + n + ".");
        }
        if (n > 1 && a == AssignmentChoice.NONE) {
            throw new IllegalArgumentException("Several seeds compare vanilla with immiscible runs: choose an "
                    + "assignment other than none, or 1 seed.");
        }
        List<Long> seedList = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            seedList.add(sd + i);
        }
        Path out = outputFolder.get();
        if (out == null) {
            throw new IllegalArgumentException("Choose an output folder.");
        }
        TrainConfig base = TrainConfig.builder().setOutDir(out).optModel(modelPreset.get().config()).optVaeSteps(v)
                .optSteps(s).optBatch(b).optLearningRate(lr).optCheckpointEvery(Math.max(1, Math.min(200, s / 5)))
                .optEvalEvery(eval).optQualityEvery(sample).optSeed(sd).build();
        return new Setup(base, a.mode(), k, seedList);
    }

    private static int positive(String field, String text, int min) {
        int v;
        try {
            v = Integer.parseInt(text == null ? "" : text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " must be a whole number, got '" + text + "'.");
        }
        if (v < min) {
            throw new IllegalArgumentException(field + " must be at least " + min + ", got " + v + ".");
        }
        return v;
    }

    public ObservableList<ModelPreset> modelPresets() {
        return modelPresets;
    }

    public ObjectProperty<ModelPreset> modelPresetProperty() {
        return modelPreset;
    }

    public StringProperty stepsProperty() {
        return steps;
    }

    public StringProperty vaeStepsProperty() {
        return vaeSteps;
    }

    public StringProperty batchProperty() {
        return batch;
    }

    public StringProperty learningRateProperty() {
        return learningRate;
    }

    public ObjectProperty<AssignmentChoice> assignmentProperty() {
        return assignment;
    }

    public StringProperty knnKProperty() {
        return knnK;
    }

    public StringProperty seedProperty() {
        return seed;
    }

    /** The seed counts offered (1 to {@link #MAX_SEEDS}). */
    public ObservableList<Integer> seedCounts() {
        return seedCounts;
    }

    /** How many seeds to train: {@link #seedProperty() seed}, seed + 1, ... */
    public ObjectProperty<Integer> seedsProperty() {
        return seeds;
    }

    public StringProperty evalEveryProperty() {
        return evalEvery;
    }

    public StringProperty sampleEveryProperty() {
        return sampleEvery;
    }

    public ObjectProperty<Path> outputFolderProperty() {
        return outputFolder;
    }
}
