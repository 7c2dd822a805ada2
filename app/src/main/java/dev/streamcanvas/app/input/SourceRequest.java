package dev.streamcanvas.app.input;

import dev.streamcanvas.app.source.SourceKind;
import java.nio.file.Path;

/**
 * What to stream from.
 *
 * @param file             the image or video file (IMAGE/VIDEO), else null
 * @param webcam           the camera name (WEBCAM); null picks the first camera
 * @param webcamResolution e.g. "640x480"; null for the camera's default
 */
public record SourceRequest(SourceKind kind, Path file, String webcam, String webcamResolution, boolean mirror) {
}
