package dev.streamcanvas.app.concurrent;

import java.time.Duration;
import java.util.Objects;

/**
 * Collapses rapid calls (typing, dragging a slider) into one: {@link #trigger()} restarts a timer, and the
 * action runs once on the UI thread when the timer expires. Used only from the UI thread; not thread-safe.
 */
public final class Debouncer {
    private final TaskRunner runner;
    private final Duration delay;
    private final Runnable action;
    private TaskRunner.Cancellable pending;

    public Debouncer(TaskRunner runner, Duration delay, Runnable action) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.delay = Objects.requireNonNull(delay, "delay");
        this.action = Objects.requireNonNull(action, "action");
    }

    /** Restarts the timer. */
    public void trigger() {
        cancel();
        pending = runner.schedule(delay, () -> {
            pending = null;
            action.run();
        });
    }

    /** Runs a pending action now (e.g. before the window closes); does nothing when none is pending. */
    public void flush() {
        if (pending != null) {
            cancel();
            action.run();
        }
    }

    /** Drops a pending action. */
    public void cancel() {
        if (pending != null) {
            pending.cancel();
            pending = null;
        }
    }
}
