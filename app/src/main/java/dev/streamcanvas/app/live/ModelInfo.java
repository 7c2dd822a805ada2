package dev.streamcanvas.app.live;

import java.nio.file.Path;

/**
 * The model the service runs.
 *
 * @param folder      the model folder, or null for the built-in preview filter
 * @param placeholder true when the output comes from a placeholder (fixture) model, not a trained one
 * @param preview     true for the preview filter: no model at all
 */
public record ModelInfo(String name, Path folder, String device, boolean placeholder, boolean preview) {
}
