package dev.streamcanvas.app.ui;

import java.util.concurrent.atomic.AtomicBoolean;
import javafx.application.Platform;
import javafx.scene.control.Alert;
import javafx.scene.control.TextArea;
import javafx.stage.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last line of defence: an exception no task handled is logged once and shown in one dialog (further
 * exceptions while the dialog is open are only logged).
 */
public final class ErrorReporter implements Thread.UncaughtExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorReporter.class);

    private final Window owner;
    private final AtomicBoolean showing = new AtomicBoolean();

    public ErrorReporter(Window owner) {
        this.owner = owner;
    }

    /** Installs this reporter as the default handler and the JavaFX thread's handler. */
    public void install() {
        Thread.setDefaultUncaughtExceptionHandler(this);
        if (Platform.isFxApplicationThread()) {
            Thread.currentThread().setUncaughtExceptionHandler(this);
        }
    }

    @Override
    public void uncaughtException(Thread thread, Throwable e) {
        LOG.error("unexpected error on thread {}", thread.getName(), e);
        if (!showing.compareAndSet(false, true)) {
            return;
        }
        Runnable show = () -> {
            try {
                Alert alert = new Alert(Alert.AlertType.ERROR);
                alert.initOwner(owner);
                alert.setTitle("StreamCanvas — unexpected error");
                alert.setHeaderText("Something went wrong: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
                TextArea details = new TextArea(stackTrace(e));
                details.setEditable(false);
                details.setWrapText(false);
                details.setPrefRowCount(12);
                alert.getDialogPane().setExpandableContent(details);
                alert.showAndWait();
            } finally {
                showing.set(false);
            }
        };
        if (Platform.isFxApplicationThread()) {
            show.run();
        } else {
            Platform.runLater(show);
        }
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }
}
