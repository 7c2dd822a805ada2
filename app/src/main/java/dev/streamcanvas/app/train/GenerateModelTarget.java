package dev.streamcanvas.app.train;

import dev.streamcanvas.app.concurrent.TaskRunner;
import dev.streamcanvas.app.generate.GenerateViewModel;
import dev.streamcanvas.app.live.ModelInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javafx.beans.value.ChangeListener;

/**
 * "Use this model live" through the Generate tab's own model loading (same device choice, status bar, error
 * banner and remembered last model as "Choose model folder…"). Used on the UI thread.
 *
 * <p>The Generate tab clears its loading flag before it publishes the new model or the error, so the outcome is
 * read in a UI hand-over queued after that moment.
 */
public final class GenerateModelTarget implements LiveModelTarget {
    private final GenerateViewModel generate;
    private final TaskRunner ui;

    public GenerateModelTarget(GenerateViewModel generate, TaskRunner ui) {
        this.generate = Objects.requireNonNull(generate, "generate");
        this.ui = Objects.requireNonNull(ui, "ui");
    }

    @Override
    public CompletionStage<?> loadModelFolder(Path folder) {
        CompletableFuture<ModelInfo> done = new CompletableFuture<>();
        Path wanted = folder.toAbsolutePath().normalize();
        ChangeListener<Boolean> watch = new ChangeListener<>() {
            @Override
            public void changed(javafx.beans.value.ObservableValue<? extends Boolean> o, Boolean was, Boolean now) {
                if (now) {
                    return;
                }
                generate.loadingProperty().removeListener(this);
                ui.onUi(() -> {
                    ModelInfo m = generate.modelProperty().get();
                    String why = generate.modelErrorProperty().get();
                    if ((why == null || why.isBlank()) && m != null && m.folder() != null
                            && m.folder().toAbsolutePath().normalize().equals(wanted)) {
                        done.complete(m);
                    } else {
                        done.completeExceptionally(new IOException(why == null || why.isBlank() ? folder + " was not loaded" : why));
                    }
                });
            }
        };
        generate.loadingProperty().addListener(watch);
        generate.loadModel(folder);
        return done;
    }
}
