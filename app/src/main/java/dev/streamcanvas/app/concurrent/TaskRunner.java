package dev.streamcanvas.app.concurrent;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * The one executor abstraction of the app: background work, delayed work and hand-over to the UI thread.
 * The app uses {@link FxTaskRunner} (a worker pool and the JavaFX thread); tests use an inline runner, so
 * view-models run without a toolkit.
 */
public interface TaskRunner {

    /** Runs {@code work} in the background; its result (or failure) is delivered on the UI thread. */
    <T> void submit(Callable<T> work, Consumer<? super T> onSuccess, Consumer<? super Exception> onFailure);

    /** Runs {@code action} on the UI thread (soon, never blocking the caller). */
    void onUi(Runnable action);

    /** Runs {@code action} on the UI thread after {@code delay}; the returned handle cancels it. */
    Cancellable schedule(Duration delay, Runnable action);

    /** A pending scheduled action. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}
