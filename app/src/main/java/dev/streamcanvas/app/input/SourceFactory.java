package dev.streamcanvas.app.input;

import dev.streamcanvas.app.source.FrameSource;
import dev.streamcanvas.app.source.SourceException;
import dev.streamcanvas.app.source.webcam.WebcamInfo;
import java.util.List;

/** Creates inputs; called from background tasks only. */
public interface SourceFactory {
    FrameSource create(SourceRequest request) throws SourceException;

    List<WebcamInfo> listWebcams() throws SourceException;
}
