package dev.streamcanvas.app.live;

import dev.streamcanvas.app.settings.AppPaths;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Chooses the generation service the app starts with and how its start-up model is found. */
public final class GenerationServices {
    private final DefaultModels models;

    public GenerationServices(AppPaths paths) {
        this.models = new DefaultModels(paths);
    }

    /** The stream engine (with the preview filter until a model is loaded). */
    public GenerationService create() {
        return new StreamEngineService(models::isPlaceholder);
    }

    /** Finds the start-up model in the background: shipped in models/, else the generated placeholder. */
    public Callable<Path> defaultModel() {
        return models::locate;
    }
}
