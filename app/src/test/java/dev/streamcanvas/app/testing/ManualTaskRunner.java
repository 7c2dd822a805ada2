package dev.streamcanvas.app.testing;

import dev.streamcanvas.app.concurrent.TaskRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The inline {@link TaskRunner} for tests: background work runs at once on the calling (test) thread,
 * UI hand-overs from other threads queue until the test pumps them, and delays run on a virtual clock
 * that only {@link #advance(Duration)} moves. No toolkit, no wall-clock timing.
 */
public final class ManualTaskRunner implements TaskRunner {
    private final Queue<Runnable> ui = new ConcurrentLinkedQueue<>();
    private final List<Timer> timers = new ArrayList<>();
    private long now;
    private long order;

    private static final class Timer {
        final long due;
        final long order;
        final Runnable action;
        boolean cancelled;

        Timer(long due, long order, Runnable action) {
            this.due = due;
            this.order = order;
            this.action = action;
        }
    }

    @Override
    public <T> void submit(Callable<T> work, Consumer<? super T> onSuccess, Consumer<? super Exception> onFailure) {
        T result;
        try {
            result = work.call();
        } catch (Exception e) {
            onFailure.accept(e);
            return;
        }
        onSuccess.accept(result);
    }

    @Override
    public void onUi(Runnable action) {
        ui.add(action);
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable action) {
        Timer t = new Timer(now + delay.toNanos(), order++, action);
        timers.add(t);
        return () -> t.cancelled = true;
    }

    /** Moves the virtual clock and runs every timer that falls due (in order), then pending UI work. */
    public void advance(Duration d) {
        long target = now + d.toNanos();
        while (true) {
            Timer next;
            synchronized (this) {
                next = timers.stream().filter(t -> !t.cancelled && t.due <= target)
                        .min(Comparator.<Timer>comparingLong(t -> t.due).thenComparingLong(t -> t.order)).orElse(null);
                if (next == null) {
                    now = target;
                    break;
                }
                timers.remove(next);
                now = next.due;
            }
            next.action.run();
            runUi();
        }
        runUi();
    }

    /** Runs UI work queued by other threads. */
    public void runUi() {
        for (Runnable r; (r = ui.poll()) != null; ) {
            r.run();
        }
    }

    /** Pumps UI work until {@code condition} holds; fails after {@code timeout} of real time. */
    public void awaitUi(BooleanSupplier condition, Duration timeout, String what) {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            runUi();
            if (condition.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }

    public synchronized int pendingTimers() {
        return (int) timers.stream().filter(t -> !t.cancelled).count();
    }
}
