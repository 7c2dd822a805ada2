package dev.streamcanvas.app.live;

import dev.streamcanvas.app.settings.AppPaths;

/** Chooses the generation service the app starts with. */
public final class GenerationServices {
    private GenerationServices() {
    }

    /** The preview filter until the stream engine is part of the build. */
    public static GenerationService createDefault(AppPaths paths) {
        return new PreviewGenerationService();
    }
}
