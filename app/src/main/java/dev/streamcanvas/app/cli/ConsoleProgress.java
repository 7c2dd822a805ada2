package dev.streamcanvas.app.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The CLI's one console progress bar ({@code label [#####.....] 5/10 detail}), redrawn in place on one line.
 * Counted ({@link #update}) or fractional ({@link #fraction}); {@link #finish} ends the line.
 */
final class ConsoleProgress {
    private static final int WIDTH = 30;
    private final PrintWriter out;
    private final String label;
    private final int total;
    private boolean open;

    ConsoleProgress(PrintWriter out, String label, int total) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
    }

    /** {@code done} of the total, with a detail text after the count. */
    void update(int done, String detail) {
        update(done, total, detail);
    }

    /** {@code done} of {@code of} (for a stage whose size differs from the constructor's). */
    void update(int done, int of, String detail) {
        int n = Math.max(1, of);
        draw((int) ((long) WIDTH * Math.min(done, n) / n), done + "/" + n, detail);
    }

    /** A fraction in [0, 1], shown as a percentage. */
    void fraction(double f, String detail) {
        double c = Math.max(0, Math.min(1, f));
        draw((int) Math.round(c * WIDTH), String.format(Locale.ROOT, "%3.0f%%", 100 * c), detail);
    }

    private void draw(int filled, String count, String detail) {
        out.print(String.format(Locale.ROOT, "\r%s%s[%s%s] %s %s", label, label.isEmpty() || label.endsWith(" ")
                ? "" : " ", "#".repeat(filled), ".".repeat(WIDTH - filled), count, detail == null ? "" : detail));
        out.flush();
        open = true;
    }

    /** Ends the bar's line (once; nothing when no bar is drawn). */
    void finish() {
        if (open) {
            out.println();
            out.flush();
            open = false;
        }
    }
}
