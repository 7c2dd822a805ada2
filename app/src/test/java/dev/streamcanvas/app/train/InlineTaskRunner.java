package dev.streamcanvas.app.train;

import dev.streamcanvas.app.concurrent.TaskRunner;
import dev.streamcanvas.app.testing.ManualTaskRunner;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Runs background work at once on the calling thread (as {@link ManualTaskRunner} does) and, unlike it, UI
 * hand-overs at once too, on whichever thread asks: the training thread's progress reaches the view-model with no
 * pumping, so the view-model needs no toolkit.
 */
final class InlineTaskRunner implements TaskRunner {
    private final ManualTaskRunner work = new ManualTaskRunner();

    @Override
    public <T> void submit(Callable<T> task, Consumer<? super T> onSuccess, Consumer<? super Exception> onFailure) {
        work.submit(task, onSuccess, onFailure);
    }

    @Override
    public void onUi(Runnable action) {
        action.run();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable action) {
        throw new UnsupportedOperationException("the Train tab schedules nothing");
    }
}
