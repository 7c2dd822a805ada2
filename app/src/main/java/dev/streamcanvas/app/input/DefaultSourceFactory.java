package dev.streamcanvas.app.input;

import dev.streamcanvas.app.source.FrameSource;
import dev.streamcanvas.app.source.ImageFileSource;
import dev.streamcanvas.app.source.SourceException;
import dev.streamcanvas.app.source.TestPatternSource;
import dev.streamcanvas.app.source.VideoFileSource;
import dev.streamcanvas.app.source.canvas.CanvasSource;
import dev.streamcanvas.app.source.webcam.WebcamCatalog;
import dev.streamcanvas.app.source.webcam.WebcamInfo;
import dev.streamcanvas.app.source.webcam.WebcamSource;
import java.util.List;

/** The real inputs: one canvas (kept across switches), cameras through Webcam Capture, files, the test pattern. */
public final class DefaultSourceFactory implements SourceFactory {
    private final CanvasSource canvas;
    private final WebcamCatalog webcams;

    public DefaultSourceFactory(CanvasSource canvas, WebcamCatalog webcams) {
        this.canvas = canvas;
        this.webcams = webcams;
    }

    @Override
    public FrameSource create(SourceRequest r) throws SourceException {
        switch (r.kind()) {
            case CANVAS:
                return canvas;
            case TEST_PATTERN:
                return new TestPatternSource();
            case IMAGE:
                if (r.file() == null) {
                    throw new SourceException("Choose an image file first.");
                }
                return new ImageFileSource(r.file());
            case VIDEO:
                if (r.file() == null) {
                    throw new SourceException("Choose a video file first.");
                }
                return new VideoFileSource(r.file());
            case WEBCAM:
                String name = r.webcam();
                if (name == null) {
                    List<WebcamInfo> cams = webcams.list();
                    if (cams.isEmpty()) {
                        throw new SourceException("No camera found.");
                    }
                    name = cams.get(0).name();
                }
                return new WebcamSource(webcams, name, r.webcamResolution(), r.mirror());
            default:
                throw new SourceException("Unknown input " + r.kind());
        }
    }

    @Override
    public List<WebcamInfo> listWebcams() throws SourceException {
        return webcams.list();
    }
}
