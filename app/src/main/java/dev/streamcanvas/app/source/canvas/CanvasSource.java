package dev.streamcanvas.app.source.canvas;

import dev.streamcanvas.app.frame.Frame;
import dev.streamcanvas.app.frame.Rasters;
import dev.streamcanvas.app.source.PollingSource;
import dev.streamcanvas.app.source.SourceKind;

/**
 * Streams the drawing: the picture is sent at once after every change (each stroke segment reaches the
 * engine live) and re-sent 30 times a second so a streaming engine keeps converging on a still drawing.
 */
public final class CanvasSource extends PollingSource {
    private final CanvasModel model;
    private final Frame copy = new Frame(1, 1); // capture-thread copy of the picture, reused
    private final Runnable onChange = this::wake;

    public CanvasSource(CanvasModel model) {
        this.model = model;
        model.addChangeListener(onChange);
    }

    public CanvasModel model() {
        return model;
    }

    @Override
    public SourceKind kind() {
        return SourceKind.CANVAS;
    }

    @Override
    public String describe() {
        return "Canvas";
    }

    @Override
    protected long nanosPerFrame() {
        return 1_000_000_000L / 30;
    }

    @Override
    protected void open() {
    }

    @Override
    protected boolean grab(Frame target) {
        model.copyTo(copy);
        if (copy.width() == target.width() && copy.height() == target.height()) {
            System.arraycopy(copy.argb(), 0, target.argb(), 0, copy.width() * copy.height());
        } else {
            Rasters.coverScale(copy.argb(), copy.width(), copy.height(), target.argb(), target.width(), target.height(), false);
        }
        return true;
    }

    @Override
    protected void close() {
    }
}
