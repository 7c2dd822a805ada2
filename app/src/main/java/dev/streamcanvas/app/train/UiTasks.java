package dev.streamcanvas.app.train;

import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Background work and hand-over to the UI thread, given to the view-model: {@link FxUiTasks} in the app (daemon
 * worker threads and the JavaFX thread), an inline implementation in tests so the view-model runs without a
 * toolkit. (Same shape as the live app's task runner, so the two can be unified.)
 */
public interface UiTasks {

    /** Runs {@code work} in the background; its result (or failure) is delivered on the UI thread. */
    <T> void submit(Callable<T> work, Consumer<? super T> onSuccess, Consumer<? super Exception> onFailure);

    /** Runs {@code action} on the UI thread (soon, never blocking the caller). */
    void onUi(Runnable action);

    /** Runs everything on the calling thread (tests, tools). */
    static UiTasks inline() {
        return new UiTasks() {
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
        };
    }
}
