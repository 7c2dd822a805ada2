package dev.streamcanvas.engine.train;

import dev.streamcanvas.engine.assign.NoiseAssignment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The training orchestrator (the CLI's {@code train --compare} and the app's Train tab both run through it):
 * vanilla versus immiscible, side by side on one thread. Both runs share one VAE (trained by the vanilla run, or
 * taken from {@code base.vaeFrom()} when given), the seed, the data order and the noise draws, and are advanced in
 * turns of {@code chunk} UNet steps so that a UI can draw both curves as they grow. With mode NONE only the
 * vanilla run trains. Run folders: {@code base.outDir()/vanilla} and {@code base.outDir()/immiscible}. On cancel
 * every started run writes its checkpoint before {@link #run} returns. Control methods may be called from any
 * thread.
 */
public final class TrainComparison implements AutoCloseable {
    public static final String VANILLA = "vanilla";
    public static final String IMMISCIBLE = "immiscible";

    /** Creates a trainer (the engine's {@link Trainer#Trainer}, or an app's backend). */
    @FunctionalInterface
    public interface TrainerFactory {
        Trainer create(TrainConfig config, ImageFolder data, TrainListener listener) throws IOException;
    }

    /** The two run configurations of a comparison; {@code immiscible} is null for a vanilla-only run. */
    public record Plan(TrainConfig vanilla, TrainConfig immiscible) {
        /** VAE steps plus the UNet steps of both runs. */
        public int totalSteps() {
            return vanilla.vaeSteps() + vanilla.steps() + (immiscible == null ? 0 : immiscible.steps());
        }
    }

    private final Plan plan;
    private final Trainer vanilla;
    private final Trainer immiscible; // null: vanilla only
    private final List<Trainer> trainers;
    private volatile boolean cancelled;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * The runs of a comparison: same seed, same data order, the vanilla run's VAE; only the noise pairing differs.
     *
     * @param base shared settings (its out dir is the parent of the run folders; its assignment is ignored)
     * @param mode the immiscible run's assignment; NONE for a vanilla-only run
     */
    public static Plan plan(TrainConfig base, NoiseAssignment.Mode mode, int k) {
        Path vDir = base.outDir().resolve(VANILLA);
        TrainConfig v = base.withOutDir(vDir).withAssignment(NoiseAssignment.Mode.NONE, k);
        TrainConfig i = mode == NoiseAssignment.Mode.NONE ? null
                : base.withOutDir(base.outDir().resolve(IMMISCIBLE)).withAssignment(mode, k).withVaeFrom(vDir);
        return new Plan(v, i);
    }

    /**
     * @param base       shared settings (its assignment is ignored)
     * @param mode       the immiscible run's assignment (EXACT, FP16 or KNN), or NONE for the vanilla run only
     * @param listeners  a listener per run name ({@link #VANILLA}, {@link #IMMISCIBLE})
     */
    public TrainComparison(TrainConfig base, NoiseAssignment.Mode mode, int k, ImageFolder data,
            Function<String, TrainListener> listeners) throws IOException {
        this(plan(base, mode, k), data, listeners, Trainer::new);
    }

    /** Runs a prepared plan with trainers from {@code factory}. */
    public TrainComparison(Plan plan, ImageFolder data, Function<String, TrainListener> listeners,
            TrainerFactory factory) throws IOException {
        this.plan = plan;
        vanilla = factory.create(plan.vanilla(), data, listeners.apply(VANILLA));
        Trainer imm = null;
        try {
            imm = plan.immiscible() == null ? null
                    : factory.create(plan.immiscible(), data, listeners.apply(IMMISCIBLE));
        } finally {
            if (imm == null && plan.immiscible() != null) {
                vanilla.close();
            }
        }
        immiscible = imm;
        trainers = imm == null ? List.of(vanilla) : List.of(vanilla, imm);
    }

    /**
     * Trains the runs to their configured steps, alternating every {@code chunk} UNet steps (the vanilla run
     * trains the shared VAE first). When cancelled, every run that started and is not finished writes its
     * checkpoint before this returns CANCELLED.
     */
    public Trainer.Outcome run(int chunk) throws IOException {
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk must be at least 1, got " + chunk);
        }
        List<Trainer> started = new ArrayList<>();
        for (int target = 0; ; target += chunk) {
            boolean all = true;
            for (Trainer t : trainers) {
                if (!started.contains(t)) {
                    started.add(t);
                }
                Trainer.Outcome o = t.runUntil(target);
                if (o == Trainer.Outcome.CANCELLED || cancelled) {
                    flush(started);
                    return Trainer.Outcome.CANCELLED;
                }
                all &= o == Trainer.Outcome.COMPLETED;
            }
            if (all) {
                return Trainer.Outcome.COMPLETED;
            }
        }
    }

    /** A started run that stopped at a turn boundary writes its checkpoint when it sees the cancel. */
    private static void flush(List<Trainer> started) throws IOException {
        for (Trainer t : started) {
            if (t.unetStepsDone() < t.config().steps() && !Float.isNaN(t.scalingFactor())) {
                t.cancel();
                t.runUntil(Integer.MAX_VALUE);
            }
        }
    }

    public Plan plan() {
        return plan;
    }

    public void pause() {
        trainers.forEach(Trainer::pause);
    }

    public void resume() {
        trainers.forEach(Trainer::resume);
    }

    public void cancel() {
        cancelled = true;
        trainers.forEach(Trainer::cancel);
    }

    public Trainer vanilla() {
        return vanilla;
    }

    /** The immiscible run, or null for a vanilla-only comparison. */
    public Trainer immiscible() {
        return immiscible;
    }

    /** The runs, vanilla first. */
    public List<Trainer> trainers() {
        return trainers;
    }

    /** Closes both trainers (once; later calls do nothing). Not while {@link #run} is running. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (immiscible != null) {
                immiscible.close();
            }
        } finally {
            vanilla.close();
        }
    }
}
