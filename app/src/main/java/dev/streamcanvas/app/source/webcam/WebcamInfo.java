package dev.streamcanvas.app.source.webcam;

import java.util.List;

/** A camera the driver reported: its name and the resolutions it offers ("640x480"). */
public record WebcamInfo(String name, List<String> resolutions) {
    public WebcamInfo {
        resolutions = List.copyOf(resolutions);
    }
}
