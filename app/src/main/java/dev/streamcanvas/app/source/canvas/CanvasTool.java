package dev.streamcanvas.app.source.canvas;

/** What a press-and-drag on the canvas does. */
public enum CanvasTool {
    BRUSH, ERASER, FILL
}
