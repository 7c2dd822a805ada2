package dev.streamcanvas.app.cli;

import dev.streamcanvas.app.frame.Frame;
import dev.streamcanvas.app.source.canvas.CanvasModel;
import dev.streamcanvas.app.source.canvas.CanvasTool;
import java.util.ArrayList;
import java.util.List;

/**
 * A recording of the app's drawing canvas while a face is sketched on it: the strokes go through the same
 * {@link CanvasModel} brush as a user's mouse (press, drag, release; round dabs), and frame k is the canvas after
 * the first k / (frames - 1) of the strokes' points. Yellow circles filling a disc, two dark eyes, a red smile:
 * what a person draws to try the default emoji model. Deterministic.
 */
final class DrawingClip {
    /** One stroke: colour, brush diameter as a share of the canvas side, points in [0, 1] canvas units. */
    private record Stroke(int argb, double size, double[][] points) {
    }

    private DrawingClip() {
    }

    static List<int[]> frames(int w, int h, int frames) {
        List<Stroke> strokes = script();
        int total = 0;
        for (Stroke s : strokes) {
            total += s.points().length;
        }
        CanvasModel canvas = new CanvasModel(w, h);
        canvas.setTool(CanvasTool.BRUSH);
        canvas.setOpacity(1);
        Frame shot = new Frame(w, h);
        List<int[]> out = new ArrayList<>(frames);
        int done = 0;
        int strokeIndex = 0;
        int pointIndex = 0;
        double side = Math.min(w, h);
        for (int k = 0; k < frames; k++) {
            int upTo = frames == 1 ? total : (int) Math.round((double) total * k / (frames - 1));
            while (done < upTo) {
                Stroke s = strokes.get(strokeIndex);
                double x = s.points()[pointIndex][0] * w;
                double y = s.points()[pointIndex][1] * h;
                if (pointIndex == 0) {
                    canvas.setColor(s.argb());
                    canvas.setBrushSize(Math.max(1, s.size() * side));
                    canvas.press(x, y);
                } else {
                    canvas.drag(x, y);
                }
                done++;
                pointIndex++;
                if (pointIndex == s.points().length) {
                    canvas.release();
                    strokeIndex++;
                    pointIndex = 0;
                }
            }
            canvas.copyTo(shot);
            out.add(shot.argb().clone());
        }
        return out;
    }

    private static List<Stroke> script() {
        List<Stroke> s = new ArrayList<>();
        // the face: concentric yellow circles, outside in, then a dark outline
        for (double r = 0.36; r > 0.02; r -= 0.07) {
            s.add(new Stroke(0xFFF6C619, 0.12, circle(0.5, 0.5, r, 0, 2 * Math.PI, 28)));
        }
        s.add(new Stroke(0xFFF6C619, 0.12, line(0.46, 0.5, 0.54, 0.5, 2)));
        s.add(new Stroke(0xFF8A5A00, 0.03, circle(0.5, 0.5, 0.40, 0, 2 * Math.PI, 32)));
        // eyes: short vertical strokes
        s.add(new Stroke(0xFF3B2A14, 0.07, line(0.38, 0.36, 0.38, 0.46, 5)));
        s.add(new Stroke(0xFF3B2A14, 0.07, line(0.62, 0.36, 0.62, 0.46, 5)));
        // smile: the lower arc
        s.add(new Stroke(0xFFB3261E, 0.05, circle(0.5, 0.52, 0.2, Math.toRadians(20), Math.toRadians(160), 14)));
        return s;
    }

    private static double[][] circle(double cx, double cy, double r, double from, double to, int n) {
        double[][] p = new double[n + 1][];
        for (int i = 0; i <= n; i++) {
            double a = from + (to - from) * i / n;
            p[i] = new double[] {cx + r * Math.cos(a), cy + r * Math.sin(a)};
        }
        return p;
    }

    private static double[][] line(double x0, double y0, double x1, double y1, int n) {
        double[][] p = new double[n + 1][];
        for (int i = 0; i <= n; i++) {
            p[i] = new double[] {x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n};
        }
        return p;
    }
}
