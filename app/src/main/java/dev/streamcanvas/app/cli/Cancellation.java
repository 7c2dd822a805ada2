package dev.streamcanvas.app.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C handling for long commands: the JVM shutdown hook flags cancellation and gives the command's loop a
 * moment to stop cleanly (close the engine, leave only complete files behind).
 */
final class Cancellation implements AutoCloseable {
    private volatile boolean cancelled;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread hook;

    /** Flags cancellation on Ctrl-C and waits up to 5 s for the command to stop. */
    Cancellation() {
        this(() -> { }, 5);
    }

    /**
     * Flags cancellation on Ctrl-C, calls {@code onCancel} (e.g. a trainer's cancel) and waits up to
     * {@code graceSeconds} for {@link #close()} (e.g. until a checkpoint is written).
     */
    Cancellation(Runnable onCancel, long graceSeconds) {
        hook = new Thread(() -> {
            cancelled = true;
            onCancel.run();
            try {
                stopped.await(graceSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cancel-on-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    boolean cancelled() {
        return cancelled;
    }

    @Override
    public void close() {
        stopped.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it waits for the countDown above
        }
    }
}
