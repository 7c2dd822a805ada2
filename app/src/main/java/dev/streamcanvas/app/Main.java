package dev.streamcanvas.app;

import dev.streamcanvas.app.cli.StreamCanvasCommand;
import picocli.CommandLine;

/**
 * Entry point of the {@code streamcanvas} launcher: no arguments opens the window, otherwise one of the
 * headless commands runs. This class deliberately does not extend {@code javafx.application.Application},
 * so the app starts from a plain class path without the JavaFX launcher check.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = new CommandLine(new StreamCanvasCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        // also after the window closed: camera drivers may leave non-daemon threads behind
        System.exit(code);
    }
}
