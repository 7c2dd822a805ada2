package dev.streamcanvas.app.train;

import dev.streamcanvas.app.concurrent.TaskRunner;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** Runs background work and UI hand-overs at once on the calling thread, so the view-model needs no toolkit. */
final class InlineTaskRunner implements TaskRunner {
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
        action.run();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable action) {
        throw new UnsupportedOperationException("the Train tab schedules nothing");
    }
}
