package dev.streamcanvas.app.concurrent;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javafx.application.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The app's {@link TaskRunner}: a small daemon worker pool, one timer thread, and the JavaFX thread. */
public final class FxTaskRunner implements TaskRunner, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FxTaskRunner.class);

    private final ExecutorService workers = Executors.newFixedThreadPool(2, daemon("sc-worker"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("sc-timer"));

    static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
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
    public Cancellable schedule(Duration delay, Runnable action) {
        ScheduledFuture<?> f = timer.schedule(() -> Platform.runLater(action), delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(2, TimeUnit.SECONDS)) {
                LOG.warn("background tasks still running at shutdown; interrupting them");
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
    }
}
