package dev.streamcanvas.app.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The inputs of the model evaluation, drawn here by script (nothing downloaded): 8 crude flat-colour drawings of
 * the kind a user scribbles on the canvas, and 4 webcam-like frames (shaded shapes with sensor noise), plus the
 * grid layout of the evidence images.
 */
final class EvalImages {
    private EvalImages() {
    }

    /** An input with the prompt it is rendered with and the emoji category that prompt belongs to. */
    record Input(String name, String prompt, String category, int[] argb, int size) {
    }

    /** The 8 crude drawings at {@code size} x {@code size} (white background). */
    static List<Input> drawings(int size) {
        return List.of(
                draw("yellow disc, two dots", "grinning face", "Smileys & Emotion", size, g -> {
                    disc(g, size, 0.5, 0.5, 0.38, new Color(0xFFD21F));
                    disc(g, size, 0.37, 0.42, 0.05, Color.BLACK);
                    disc(g, size, 0.63, 0.42, 0.05, Color.BLACK);
                }),
                draw("red heart shape", "red heart", "Smileys & Emotion", size, g -> {
                    double s = size;
                    Path2D p = new Path2D.Double();
                    p.moveTo(0.5 * s, 0.85 * s);
                    p.curveTo(0.05 * s, 0.55 * s, 0.12 * s, 0.12 * s, 0.5 * s, 0.32 * s);
                    p.curveTo(0.88 * s, 0.12 * s, 0.95 * s, 0.55 * s, 0.5 * s, 0.85 * s);
                    g.setColor(new Color(0xE0242B));
                    g.fill(p);
                }),
                draw("green tree", "evergreen tree", "Animals & Nature", size, g -> {
                    g.setColor(new Color(0x7A4A21));
                    g.fillRect((int) (0.44 * size), (int) (0.68 * size), (int) (0.12 * size), (int) (0.22 * size));
                    Path2D p = new Path2D.Double();
                    p.moveTo(0.5 * size, 0.1 * size);
                    p.lineTo(0.82 * size, 0.72 * size);
                    p.lineTo(0.18 * size, 0.72 * size);
                    p.closePath();
                    g.setColor(new Color(0x2E9E3E));
                    g.fill(p);
                }),
                draw("blue car outline", "automobile", "Travel & Places", size, g -> {
                    g.setColor(new Color(0x1E5BD8));
                    g.setStroke(new BasicStroke(Math.max(2f, size / 20f)));
                    g.drawRoundRect((int) (0.12 * size), (int) (0.45 * size), (int) (0.76 * size), (int) (0.22 * size), 8, 8);
                    g.drawLine((int) (0.3 * size), (int) (0.45 * size), (int) (0.38 * size), (int) (0.3 * size));
                    g.drawLine((int) (0.38 * size), (int) (0.3 * size), (int) (0.64 * size), (int) (0.3 * size));
                    g.drawLine((int) (0.64 * size), (int) (0.3 * size), (int) (0.72 * size), (int) (0.45 * size));
                    disc(g, size, 0.3, 0.7, 0.08, Color.DARK_GRAY);
                    disc(g, size, 0.7, 0.7, 0.08, Color.DARK_GRAY);
                }),
                draw("orange disc with a stem", "tangerine", "Food & Drink", size, g -> {
                    disc(g, size, 0.5, 0.55, 0.33, new Color(0xF58A1F));
                    g.setColor(new Color(0x3C9A2F));
                    g.fillOval((int) (0.5 * size), (int) (0.12 * size), (int) (0.2 * size), (int) (0.1 * size));
                }),
                draw("red white flag", "japan flag", "Flags", size, g -> {
                    g.setColor(new Color(0xEEEEEE));
                    g.fillRect((int) (0.1 * size), (int) (0.25 * size), (int) (0.8 * size), (int) (0.5 * size));
                    g.setColor(Color.GRAY);
                    g.drawRect((int) (0.1 * size), (int) (0.25 * size), (int) (0.8 * size), (int) (0.5 * size));
                    disc(g, size, 0.5, 0.5, 0.14, new Color(0xD0102B));
                }),
                draw("black and white ball", "soccer ball", "Activities", size, g -> {
                    disc(g, size, 0.5, 0.5, 0.38, Color.WHITE);
                    g.setColor(Color.BLACK);
                    g.setStroke(new BasicStroke(Math.max(1.5f, size / 32f)));
                    g.draw(new Ellipse2D.Double(0.12 * size, 0.12 * size, 0.76 * size, 0.76 * size));
                    disc(g, size, 0.5, 0.5, 0.1, Color.BLACK);
                    disc(g, size, 0.25, 0.4, 0.06, Color.BLACK);
                    disc(g, size, 0.75, 0.4, 0.06, Color.BLACK);
                    disc(g, size, 0.36, 0.76, 0.06, Color.BLACK);
                    disc(g, size, 0.64, 0.76, 0.06, Color.BLACK);
                }),
                draw("brown dog head blob", "dog face", "Animals & Nature", size, g -> {
                    disc(g, size, 0.5, 0.55, 0.32, new Color(0xC58A4A));
                    g.setColor(new Color(0x6B4423));
                    g.fillOval((int) (0.1 * size), (int) (0.2 * size), (int) (0.22 * size), (int) (0.4 * size));
                    g.fillOval((int) (0.68 * size), (int) (0.2 * size), (int) (0.22 * size), (int) (0.4 * size));
                    disc(g, size, 0.4, 0.5, 0.04, Color.BLACK);
                    disc(g, size, 0.6, 0.5, 0.04, Color.BLACK);
                    disc(g, size, 0.5, 0.66, 0.06, Color.BLACK);
                }));
    }

    /** 4 webcam-like frames: a face, a raised hand, a mug on a desk, a potted plant by a window; with noise. */
    static List<Input> photos(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return List.of(
                photo("face in front of a wall", "grinning face", "Smileys & Emotion", size, r, g -> {
                    shaded(g, size, new Color(0x8D99A6), new Color(0x5C6670));
                    g.setColor(new Color(0x3B2A20));
                    g.fillOval((int) (0.27 * size), (int) (0.1 * size), (int) (0.46 * size), (int) (0.42 * size));
                    g.setPaint(new GradientPaint(0, (float) (0.2 * size), new Color(0xF1C7A3), 0, (float) (0.8 * size),
                            new Color(0xC98F6B)));
                    g.fillOval((int) (0.3 * size), (int) (0.18 * size), (int) (0.4 * size), (int) (0.52 * size));
                    g.setColor(new Color(0x2A1E18));
                    g.fillOval((int) (0.39 * size), (int) (0.38 * size), (int) (0.06 * size), (int) (0.04 * size));
                    g.fillOval((int) (0.55 * size), (int) (0.38 * size), (int) (0.06 * size), (int) (0.04 * size));
                    g.setColor(new Color(0xA0524A));
                    g.fillOval((int) (0.44 * size), (int) (0.56 * size), (int) (0.12 * size), (int) (0.04 * size));
                    g.setColor(new Color(0x2F4C7A));
                    g.fillRoundRect((int) (0.12 * size), (int) (0.72 * size), (int) (0.76 * size), (int) (0.4 * size), 30, 30);
                }),
                photo("raised hand", "raised hand", "People & Body", size, r, g -> {
                    shaded(g, size, new Color(0xB8B2A7), new Color(0x8A8379));
                    g.setPaint(new GradientPaint(0, 0, new Color(0xEDC19C), (float) size, (float) size, new Color(0xC38A62)));
                    g.fillRoundRect((int) (0.3 * size), (int) (0.42 * size), (int) (0.4 * size), (int) (0.4 * size), 20, 20);
                    for (int f = 0; f < 4; f++) {
                        g.fillRoundRect((int) ((0.31 + 0.1 * f) * size), (int) ((0.14 + 0.03 * Math.abs(f - 1.5)) * size),
                                (int) (0.08 * size), (int) (0.34 * size), 10, 10);
                    }
                    g.fillRoundRect((int) (0.18 * size), (int) (0.5 * size), (int) (0.16 * size), (int) (0.08 * size), 10, 10);
                }),
                photo("mug on a desk", "hot beverage", "Food & Drink", size, r, g -> {
                    shaded(g, size, new Color(0xD8D4CC), new Color(0xA7A199));
                    g.setColor(new Color(0x8A5A33));
                    g.fillRect(0, (int) (0.65 * size), size, size);
                    g.setColor(new Color(0xF4F1EA));
                    g.fillRoundRect((int) (0.32 * size), (int) (0.35 * size), (int) (0.32 * size), (int) (0.38 * size), 12, 12);
                    g.setStroke(new BasicStroke(Math.max(2f, size / 18f)));
                    g.drawOval((int) (0.58 * size), (int) (0.43 * size), (int) (0.16 * size), (int) (0.18 * size));
                    g.setColor(new Color(0x5A3A22));
                    g.fillOval((int) (0.34 * size), (int) (0.33 * size), (int) (0.28 * size), (int) (0.06 * size));
                }),
                photo("plant by a window", "potted plant", "Animals & Nature", size, r, g -> {
                    shaded(g, size, new Color(0xCFE3F2), new Color(0x9DB3C4));
                    g.setColor(new Color(0x6E7B86));
                    g.fillRect((int) (0.48 * size), 0, (int) (0.04 * size), size);
                    g.setColor(new Color(0xB5562F));
                    g.fillRect((int) (0.36 * size), (int) (0.62 * size), (int) (0.28 * size), (int) (0.3 * size));
                    g.setColor(new Color(0x3F8A3A));
                    for (int k = 0; k < 5; k++) {
                        double a = Math.PI * (0.15 + 0.175 * k);
                        g.fillOval((int) ((0.5 + 0.2 * Math.cos(a) - 0.1) * size), (int) ((0.55 - 0.28 * Math.sin(a) - 0.07) * size),
                                (int) (0.2 * size), (int) (0.14 * size));
                    }
                }));
    }

    private static Input draw(String name, String prompt, String category, int size, Consumer<Graphics2D> paint) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, size, size);
        paint.accept(g);
        g.dispose();
        return new Input(name, prompt, category, img.getRGB(0, 0, size, size, null, 0, size), size);
    }

    private static Input photo(String name, String prompt, String category, int size, SplittableRandom r,
            Consumer<Graphics2D> paint) {
        Input clean = draw(name, prompt, category, size, paint);
        int[] px = clean.argb().clone();
        for (int i = 0; i < px.length; i++) {
            int p = px[i];
            int[] c = {(p >> 16) & 255, (p >> 8) & 255, p & 255};
            double n = (r.nextDouble() - 0.5) * 18; // sensor noise, +-9 levels, the same on all channels
            for (int k = 0; k < 3; k++) {
                c[k] = Math.max(0, Math.min(255, (int) Math.round(c[k] + n + (r.nextDouble() - 0.5) * 6)));
            }
            px[i] = 0xff000000 | (c[0] << 16) | (c[1] << 8) | c[2];
        }
        return new Input(name, prompt, category, px, size);
    }

    private static void shaded(Graphics2D g, int size, Color top, Color bottom) {
        g.setPaint(new GradientPaint(0, 0, top, 0, size, bottom));
        g.fillRect(0, 0, size, size);
    }

    private static void disc(Graphics2D g, int size, double cx, double cy, double r, Color c) {
        g.setColor(c);
        g.fill(new Ellipse2D.Double((cx - r) * size, (cy - r) * size, 2 * r * size, 2 * r * size));
    }

    /**
     * A labelled grid: {@code cells[row][col]} images (size x size ARGB, scaled by {@code scale}), a caption under
     * each row's first cell column block and a header over each column.
     */
    static BufferedImage grid(int[][][] cells, int size, int scale, List<String> rowLabels, List<String> colLabels) {
        int rows = cells.length;
        int cols = cells[0].length;
        int cell = size * scale;
        int labelW = 280;
        int headerH = 18;
        int pad = 3;
        BufferedImage img = new BufferedImage(labelW + cols * (cell + pad) + pad, headerH + rows * (cell + pad) + pad,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int c = 0; c < cols; c++) {
            g.drawString(colLabels.get(c), labelW + pad + c * (cell + pad), 13);
        }
        for (int r = 0; r < rows; r++) {
            int y = headerH + pad + r * (cell + pad);
            g.drawString(rowLabels.get(r), 4, y + cell / 2 + 4);
            for (int c = 0; c < cols; c++) {
                int[] px = cells[r][c];
                int x0 = labelW + pad + c * (cell + pad);
                for (int yy = 0; yy < cell; yy++) {
                    for (int xx = 0; xx < cell; xx++) {
                        img.setRGB(x0 + xx, y + yy, px[(yy / scale) * size + xx / scale]);
                    }
                }
            }
        }
        g.dispose();
        return img;
    }

    /** One line chart per series, side by side: {@code series[k]} = {xs, ys}, NaN points left out. */
    static BufferedImage curves(List<String> titles, List<double[][]> series) {
        int pw = 360;
        int ph = 260;
        int n = titles.size();
        BufferedImage img = new BufferedImage(n * pw, ph, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), ph);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int k = 0; k < n; k++) {
            double[] xs = series.get(k)[0];
            double[] ys = series.get(k)[1];
            double x0 = Double.MAX_VALUE;
            double x1 = -Double.MAX_VALUE;
            double y0 = Double.MAX_VALUE;
            double y1 = -Double.MAX_VALUE;
            for (int i = 0; i < xs.length; i++) {
                if (Double.isFinite(ys[i])) {
                    x0 = Math.min(x0, xs[i]);
                    x1 = Math.max(x1, xs[i]);
                    y0 = Math.min(y0, ys[i]);
                    y1 = Math.max(y1, ys[i]);
                }
            }
            int ox = k * pw + 55;
            int oy = 30;
            int w = pw - 75;
            int h = ph - 70;
            g.setColor(Color.BLACK);
            g.drawString(titles.get(k), k * pw + 10, 18);
            g.drawRect(ox, oy, w, h);
            if (x1 < x0) {
                continue;
            }
            if (x1 == x0) {
                x1 = x0 + 1;
            }
            if (y1 == y0) {
                y1 = y0 + 1e-9;
            }
            g.drawString(String.format(java.util.Locale.ROOT, "%.4g", y1), k * pw + 4, oy + 10);
            g.drawString(String.format(java.util.Locale.ROOT, "%.4g", y0), k * pw + 4, oy + h);
            g.drawString(String.format(java.util.Locale.ROOT, "%.0f", x0), ox, oy + h + 15);
            g.drawString(String.format(java.util.Locale.ROOT, "step %.0f", x1), ox + w - 70, oy + h + 15);
            g.setColor(new Color(0x1f77b4));
            g.setStroke(new BasicStroke(2f));
            int px = -1;
            int py = -1;
            for (int i = 0; i < xs.length; i++) {
                if (!Double.isFinite(ys[i])) {
                    continue;
                }
                int x = ox + (int) Math.round((xs[i] - x0) / (x1 - x0) * w);
                int y = oy + h - (int) Math.round((ys[i] - y0) / (y1 - y0) * h);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                g.fillOval(x - 2, y - 2, 5, 5);
                px = x;
                py = y;
            }
        }
        g.dispose();
        return img;
    }
}
