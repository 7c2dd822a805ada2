package dev.streamcanvas.app.cli;

import java.io.PrintWriter;
import java.util.Locale;

/** A one-line console progress bar ({@code [#####.....] 5/10 label}), redrawn in place. */
final class ConsoleProgress {
    private static final int WIDTH = 30;
    private final PrintWriter out;
    private final String label;
    private final int total;

    ConsoleProgress(PrintWriter out, String label, int total) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
    }

    void update(int done, String detail) {
        int filled = (int) ((long) WIDTH * Math.min(done, total) / total);
        out.print(String.format(Locale.ROOT, "\r%s [%s%s] %d/%d %s", label, "#".repeat(filled),
                ".".repeat(WIDTH - filled), done, total, detail == null ? "" : detail));
        out.flush();
    }

    void finish() {
        out.println();
        out.flush();
    }
}
