package dev.streamcanvas.app.source.canvas;

import dev.streamcanvas.app.frame.Frame;
import dev.streamcanvas.app.frame.Rasters;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * The drawing: an opaque ARGB raster with brush, eraser and flood-fill tools and undo/redo. A stroke is
 * painted through a coverage mask over the picture as it was when the stroke began, so overlapping dabs of
 * a half-transparent brush do not pile up. Thread-safe (the UI draws, the capture thread copies).
 */
public final class CanvasModel {
    public static final int BACKGROUND = 0xFFFFFFFF;
    private static final int UNDO_LIMIT = 40;

    private int width;
    private int height;
    private int[] pixels;      // [height * width] ARGB, opaque
    private float[] mask;      // [height * width] coverage of the current stroke in [0, 1]
    private int[] strokeBase;  // picture when the current stroke began (also the undo snapshot)
    private final Deque<int[]> undo = new ArrayDeque<>();
    private final Deque<int[]> redo = new ArrayDeque<>();
    private long version;
    private final List<Runnable> listeners = new ArrayList<>();

    private CanvasTool tool = CanvasTool.BRUSH;
    private double brushSize = 24;   // diameter in canvas pixels
    private int color = 0xFF1E3A8A;  // ARGB
    private double opacity = 1.0;
    private boolean stroking;
    private double lastX;
    private double lastY;

    public CanvasModel(int width, int height) {
        allocate(width, height);
        Arrays.fill(pixels, BACKGROUND);
    }

    private void allocate(int w, int h) {
        width = w;
        height = h;
        pixels = new int[w * h];
        mask = new float[w * h];
    }

    /** Called (on the drawing thread) after every change of the picture. */
    public synchronized void addChangeListener(Runnable listener) {
        listeners.add(listener);
    }

    private void changed() {
        version++;
        for (Runnable r : new ArrayList<>(listeners)) {
            r.run();
        }
    }

    public synchronized int width() {
        return width;
    }

    public synchronized int height() {
        return height;
    }

    /** Increases with every change; lets readers skip copies of an unchanged picture. */
    public synchronized long version() {
        return version;
    }

    public synchronized void setTool(CanvasTool tool) {
        this.tool = tool;
    }

    public synchronized CanvasTool tool() {
        return tool;
    }

    public synchronized void setBrushSize(double diameter) {
        if (!(diameter >= 1 && diameter <= 512)) {
            throw new IllegalArgumentException("brush size must be in [1, 512] px, got " + diameter);
        }
        brushSize = diameter;
    }

    public synchronized double brushSize() {
        return brushSize;
    }

    /** Brush colour as ARGB; the alpha byte is ignored (use the opacity). */
    public synchronized void setColor(int argb) {
        color = 0xFF000000 | argb;
    }

    public synchronized int color() {
        return color;
    }

    public synchronized void setOpacity(double opacity) {
        if (!(opacity >= 0 && opacity <= 1)) {
            throw new IllegalArgumentException("opacity must be in [0, 1], got " + opacity);
        }
        this.opacity = opacity;
    }

    public synchronized double opacity() {
        return opacity;
    }

    /** Starts a stroke (or a fill) at canvas coordinates (x, y). */
    public synchronized void press(double x, double y) {
        if (tool == CanvasTool.FILL) {
            int xi = (int) Math.floor(x);
            int yi = (int) Math.floor(y);
            if (xi < 0 || yi < 0 || xi >= width || yi >= height) {
                return;
            }
            pushUndo();
            floodFill(xi, yi, color);
            changed();
            return;
        }
        pushUndo();
        strokeBase = undo.peekLast();
        Arrays.fill(mask, 0f);
        stroking = true;
        lastX = x;
        lastY = y;
        dab(x, y);
        changed();
    }

    /** Continues the stroke to (x, y). */
    public synchronized void drag(double x, double y) {
        if (!stroking) {
            return;
        }
        double dx = x - lastX;
        double dy = y - lastY;
        double dist = Math.hypot(dx, dy);
        double step = Math.max(1.0, brushSize / 6.0);
        int n = (int) Math.ceil(dist / step);
        for (int i = 1; i <= n; i++) {
            dab(lastX + dx * i / n, lastY + dy * i / n);
        }
        lastX = x;
        lastY = y;
        if (n > 0) {
            changed();
        }
    }

    /** Ends the stroke. */
    public synchronized void release() {
        stroking = false;
        strokeBase = null;
    }

    private void dab(double cx, double cy) {
        double r = brushSize / 2.0;
        int paint = tool == CanvasTool.ERASER ? BACKGROUND : color;
        double alpha = tool == CanvasTool.ERASER ? 1.0 : opacity;
        int x0 = Math.max(0, (int) Math.floor(cx - r - 1));
        int x1 = Math.min(width - 1, (int) Math.ceil(cx + r + 1));
        int y0 = Math.max(0, (int) Math.floor(cy - r - 1));
        int y1 = Math.min(height - 1, (int) Math.ceil(cy + r + 1));
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                double d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
                float cov = (float) Math.min(1.0, Math.max(0.0, r + 0.5 - d));
                int i = y * width + x;
                if (cov > mask[i]) {
                    mask[i] = cov;
                    pixels[i] = blend(strokeBase[i], paint, alpha * cov);
                }
            }
        }
    }

    static int blend(int under, int over, double a) {
        int r = (int) Math.round((under >> 16 & 0xFF) * (1 - a) + (over >> 16 & 0xFF) * a);
        int g = (int) Math.round((under >> 8 & 0xFF) * (1 - a) + (over >> 8 & 0xFF) * a);
        int b = (int) Math.round((under & 0xFF) * (1 - a) + (over & 0xFF) * a);
        return 0xFF000000 | r << 16 | g << 8 | b;
    }

    /** 4-connected flood fill of the region of equal colour around (x, y), blended at the brush opacity. */
    private void floodFill(int x, int y, int argb) {
        int target = pixels[y * width + x];
        int fill = blend(target, argb, opacity);
        if (fill == target) {
            return;
        }
        int[] stack = new int[Math.max(16, width * height)];
        int sp = 0;
        stack[sp++] = y * width + x;
        while (sp > 0) {
            int i = stack[--sp];
            if (pixels[i] != target) {
                continue;
            }
            pixels[i] = fill;
            int px = i % width;
            if (px > 0 && pixels[i - 1] == target && sp < stack.length) {
                stack[sp++] = i - 1;
            }
            if (px < width - 1 && pixels[i + 1] == target && sp < stack.length) {
                stack[sp++] = i + 1;
            }
            if (i >= width && pixels[i - width] == target && sp < stack.length) {
                stack[sp++] = i - width;
            }
            if (i + width < width * height && pixels[i + width] == target && sp < stack.length) {
                stack[sp++] = i + width;
            }
        }
    }

    /** Fills the whole picture with {@code argb} (undoable). */
    public synchronized void fillAll(int argb) {
        pushUndo();
        Arrays.fill(pixels, 0xFF000000 | argb);
        changed();
    }

    /** Clears to white (undoable). */
    public synchronized void clear() {
        fillAll(BACKGROUND);
    }

    /** Replaces the picture with {@code image} scaled to cover the canvas (undoable). */
    public synchronized void importImage(Frame image) {
        pushUndo();
        Rasters.coverScale(image.argb(), image.width(), image.height(), pixels, width, height, false);
        changed();
    }

    /** Restores a saved picture without an undo step (e.g. the autosave at start). */
    public synchronized void restore(Frame image) {
        Rasters.coverScale(image.argb(), image.width(), image.height(), pixels, width, height, false);
        changed();
    }

    /** Rescales the picture to a new size; the undo history is dropped. */
    public synchronized void resize(int w, int h) {
        if (w == width && h == height) {
            return;
        }
        int[] old = pixels;
        int ow = width;
        int oh = height;
        allocate(w, h);
        Rasters.coverScale(old, ow, oh, pixels, w, h, false);
        undo.clear();
        redo.clear();
        stroking = false;
        changed();
    }

    private void pushUndo() {
        undo.addLast(pixels.clone());
        if (undo.size() > UNDO_LIMIT) {
            undo.removeFirst();
        }
        redo.clear();
    }

    public synchronized boolean canUndo() {
        return !undo.isEmpty();
    }

    public synchronized boolean canRedo() {
        return !redo.isEmpty();
    }

    public synchronized void undo() {
        if (undo.isEmpty()) {
            return;
        }
        stroking = false;
        redo.addLast(pixels);
        pixels = undo.removeLast();
        changed();
    }

    public synchronized void redo() {
        if (redo.isEmpty()) {
            return;
        }
        stroking = false;
        undo.addLast(pixels);
        pixels = redo.removeLast();
        changed();
    }

    /** Copies the picture into {@code target} (resized to the canvas size). */
    public synchronized void copyTo(Frame target) {
        target.resize(width, height);
        System.arraycopy(pixels, 0, target.argb(), 0, width * height);
    }

    /** The colour at (x, y). */
    public synchronized int pixel(int x, int y) {
        return pixels[y * width + x];
    }
}
