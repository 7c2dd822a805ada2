package dev.streamcanvas.app.source;

import dev.streamcanvas.app.frame.Frame;
import dev.streamcanvas.app.frame.Rasters;
import java.nio.file.Path;

/** A still picture from a file, scaled to the generation size and re-sent 30 times a second. */
public final class ImageFileSource extends PollingSource {
    private final Path file;
    private int[] pixels; // [ih * iw] decoded picture
    private int iw;
    private int ih;

    public ImageFileSource(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    @Override
    public SourceKind kind() {
        return SourceKind.IMAGE;
    }

    @Override
    public String describe() {
        return "Image: " + file.getFileName();
    }

    @Override
    protected long nanosPerFrame() {
        return 1_000_000_000L / 30;
    }

    @Override
    protected void open() throws SourceException {
        Frame img = AwtImages.read(file);
        pixels = img.argb();
        iw = img.width();
        ih = img.height();
    }

    @Override
    protected boolean grab(Frame target) {
        Rasters.coverScale(pixels, iw, ih, target.argb(), target.width(), target.height(), false);
        return true;
    }

    @Override
    protected void close() {
        pixels = null;
    }
}
