package dev.streamcanvas.engine.train;

import dev.streamcanvas.engine.assign.NoiseAssignment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Vanilla versus immiscible, side by side on one thread: both runs share one VAE (trained by the vanilla run,
 * or taken from {@code base.vaeFrom()} when given),
 * the seed, the data order and the noise draws, and are advanced in turns of {@code chunk} UNet steps so that
 * a UI can draw both curves as they grow. Run folders: {@code base.outDir()/vanilla} and
 * {@code base.outDir()/immiscible}. Control methods may be called from any thread.
 */
public final class TrainComparison implements AutoCloseable {
    public static final String VANILLA = "vanilla";
    public static final String IMMISCIBLE = "immiscible";

    private final Trainer vanilla;
    private final Trainer immiscible;
    private volatile boolean cancelled;

    /**
     * @param base       shared settings (its assignment is ignored)
     * @param mode       the immiscible run's assignment (EXACT, FP16 or KNN)
     * @param listeners  a listener per run name ({@link #VANILLA}, {@link #IMMISCIBLE})
     */
    public TrainComparison(TrainConfig base, NoiseAssignment.Mode mode, int k, ImageFolder data,
            Function<String, TrainListener> listeners) throws IOException {
        if (mode == NoiseAssignment.Mode.NONE) {
            throw new IllegalArgumentException("the immiscible run needs an assignment (EXACT, FP16 or KNN), got NONE");
        }
        Path vDir = base.outDir().resolve(VANILLA);
        Path iDir = base.outDir().resolve(IMMISCIBLE);
        // the vanilla run trains the shared VAE, unless the base config names one to reuse
        vanilla = new Trainer(base.withOutDir(vDir).withAssignment(NoiseAssignment.Mode.NONE, k), data,
                listeners.apply(VANILLA));
        Trainer imm = null;
        try {
            imm = new Trainer(base.withOutDir(iDir).withAssignment(mode, k).withVaeFrom(vDir), data,
                    listeners.apply(IMMISCIBLE));
        } finally {
            if (imm == null) {
                vanilla.close();
            }
        }
        immiscible = imm;
    }

    /** Trains both to the configured steps, alternating every {@code chunk} UNet steps. */
    public Trainer.Outcome run(int chunk) throws IOException {
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk must be at least 1, got " + chunk);
        }
        int target = 0;
        while (true) {
            Trainer.Outcome a = vanilla.runUntil(target);
            if (a == Trainer.Outcome.CANCELLED || cancelled) {
                return Trainer.Outcome.CANCELLED;
            }
            Trainer.Outcome b = immiscible.runUntil(target);
            if (b == Trainer.Outcome.CANCELLED || cancelled) {
                return Trainer.Outcome.CANCELLED;
            }
            if (a == Trainer.Outcome.COMPLETED && b == Trainer.Outcome.COMPLETED) {
                return Trainer.Outcome.COMPLETED;
            }
            target += chunk;
        }
    }

    public void pause() {
        vanilla.pause();
        immiscible.pause();
    }

    public void resume() {
        vanilla.resume();
        immiscible.resume();
    }

    public void cancel() {
        cancelled = true;
        vanilla.cancel();
        immiscible.cancel();
    }

    public Trainer vanilla() {
        return vanilla;
    }

    public Trainer immiscible() {
        return immiscible;
    }

    @Override
    public void close() {
        try {
            immiscible.close();
        } finally {
            vanilla.close();
        }
    }
}
