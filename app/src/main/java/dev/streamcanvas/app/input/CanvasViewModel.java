package dev.streamcanvas.app.input;

import dev.streamcanvas.app.concurrent.Debouncer;
import dev.streamcanvas.app.concurrent.TaskRunner;
import dev.streamcanvas.app.frame.Frame;
import dev.streamcanvas.app.output.PngWriter;
import dev.streamcanvas.app.source.AwtImages;
import dev.streamcanvas.app.source.canvas.CanvasModel;
import dev.streamcanvas.app.source.canvas.CanvasTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.scene.paint.Color;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drawing tools. The picture is changed only from the UI thread; every change is autosaved (atomic PNG)
 * shortly after, so a crash loses at most the last second of drawing.
 */
public final class CanvasViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(CanvasViewModel.class);
    static final Duration AUTOSAVE_DELAY = Duration.ofMillis(800);

    private final CanvasModel model;
    private final TaskRunner runner;
    private final Path autosave;
    private final Debouncer autosaver;

    private final ObjectProperty<CanvasTool> tool = new SimpleObjectProperty<>(this, "tool", CanvasTool.BRUSH);
    private final DoubleProperty brushSize = new SimpleDoubleProperty(this, "brushSize", 24);
    private final ObjectProperty<Color> color = new SimpleObjectProperty<>(this, "color", Color.web("#1e3a8a"));
    private final DoubleProperty opacity = new SimpleDoubleProperty(this, "opacity", 1.0);
    private final BooleanProperty canUndo = new SimpleBooleanProperty(this, "canUndo");
    private final BooleanProperty canRedo = new SimpleBooleanProperty(this, "canRedo");
    private final StringProperty message = new SimpleStringProperty(this, "message");
    private long savedVersion = -1;

    public CanvasViewModel(CanvasModel model, TaskRunner runner, Path autosave) {
        this.model = model;
        this.runner = runner;
        this.autosave = autosave;
        this.autosaver = new Debouncer(runner, AUTOSAVE_DELAY, this::saveNow);
        tool.addListener((o, a, b) -> model.setTool(b));
        brushSize.addListener((o, a, b) -> model.setBrushSize(Math.max(1, Math.min(512, b.doubleValue()))));
        color.addListener((o, a, b) -> model.setColor(toArgb(b)));
        opacity.addListener((o, a, b) -> model.setOpacity(Math.max(0, Math.min(1, b.doubleValue()))));
        model.setBrushSize(brushSize.get());
        model.setColor(toArgb(color.get()));
        model.setOpacity(opacity.get());
        model.addChangeListener(() -> {
            canUndo.set(model.canUndo());
            canRedo.set(model.canRedo());
            autosaver.trigger();
        });
    }

    static int toArgb(Color c) {
        return 0xFF000000 | (int) Math.round(c.getRed() * 255) << 16 | (int) Math.round(c.getGreen() * 255) << 8
                | (int) Math.round(c.getBlue() * 255);
    }

    public CanvasModel model() {
        return model;
    }

    public ObjectProperty<CanvasTool> toolProperty() {
        return tool;
    }

    public DoubleProperty brushSizeProperty() {
        return brushSize;
    }

    public ObjectProperty<Color> colorProperty() {
        return color;
    }

    public DoubleProperty opacityProperty() {
        return opacity;
    }

    public BooleanProperty canUndoProperty() {
        return canUndo;
    }

    public BooleanProperty canRedoProperty() {
        return canRedo;
    }

    public StringProperty messageProperty() {
        return message;
    }

    public void press(double x, double y) {
        model.press(x, y);
    }

    public void drag(double x, double y) {
        model.drag(x, y);
    }

    public void release() {
        model.release();
    }

    public void undo() {
        model.undo();
    }

    public void redo() {
        model.redo();
    }

    public void clear() {
        model.clear();
    }

    /** Fills the whole canvas with the brush colour. */
    public void fillBackground() {
        model.fillAll(toArgb(color.get()));
    }

    /** Brush size up/down by about 20 %. */
    public void growBrush(boolean bigger) {
        double s = brushSize.get();
        brushSize.set(Math.max(1, Math.min(512, bigger ? s * 1.25 + 1 : s / 1.25)));
    }

    /** Reads {@code file} in the background and makes it the picture (undoable). */
    public void importImage(Path file) {
        runner.submit(() -> AwtImages.read(file), model::importImage, e -> message.set(e.getMessage()));
    }

    /** Loads the autosaved drawing, if there is one (background read). */
    public void restoreAutosave() {
        if (autosave == null || !Files.isRegularFile(autosave)) {
            return;
        }
        runner.submit(() -> AwtImages.read(autosave), img -> {
            model.restore(img);
            savedVersion = model.version();
            LOG.info("restored the canvas from {}", autosave);
        }, e -> LOG.warn("could not restore the canvas from {}: {}", autosave, e.getMessage()));
    }

    /** Writes the picture now if it changed since the last save (copy on the UI thread, write in the background). */
    public void saveNow() {
        if (autosave == null || model.version() == savedVersion) {
            return;
        }
        Frame copy = new Frame(1, 1);
        model.copyTo(copy);
        long v = model.version();
        runner.submit(() -> {
            PngWriter.write(copy, autosave, null, null);
            return v;
        }, saved -> savedVersion = saved, e -> LOG.warn("canvas autosave to {} failed: {}", autosave, e.getMessage()));
    }

    /** Saves synchronously (closing, on a background thread). */
    public void saveBlocking() {
        if (autosave == null || model.version() == savedVersion) {
            return;
        }
        Frame copy = new Frame(1, 1);
        model.copyTo(copy);
        try {
            PngWriter.write(copy, autosave, null, null);
            savedVersion = model.version();
        } catch (java.io.IOException e) {
            LOG.warn("canvas autosave to {} failed: {}", autosave, e.getMessage());
        }
    }

    public void dispose() {
        autosaver.cancel();
    }
}
