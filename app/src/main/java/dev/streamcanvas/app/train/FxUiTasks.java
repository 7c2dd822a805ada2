package dev.streamcanvas.app.train;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javafx.application.Platform;

/** {@link UiTasks} for the app: daemon worker threads (training holds one for its whole run) and the FX thread. */
public final class FxUiTasks implements UiTasks, AutoCloseable {
    private final ExecutorService workers;

    public FxUiTasks() {
        AtomicInteger n = new AtomicInteger();
        workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sc-train-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public <T> void submit(Callable<T> work, Consumer<? super T> onSuccess, Consumer<? super Exception> onFailure) {
        workers.execute(() -> {
            T result;
            try {
                result = work.call();
            } catch (Exception e) {
                Platform.runLater(() -> onFailure.accept(e));
                return;
            }
            Platform.runLater(() -> onSuccess.accept(result));
        });
    }

    @Override
    public void onUi(Runnable action) {
        Platform.runLater(action);
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
