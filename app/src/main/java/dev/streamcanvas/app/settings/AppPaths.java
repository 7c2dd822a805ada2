package dev.streamcanvas.app.settings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the app keeps its files. Settings: {@code $XDG_CONFIG_HOME/streamcanvas} (default
 * {@code ~/.config/streamcanvas}); data (canvas autosave, generated fixture model): {@code $XDG_DATA_HOME/streamcanvas}
 * (default {@code ~/.local/share/streamcanvas}); on Windows both under {@code %APPDATA%\StreamCanvas}, on macOS
 * under {@code ~/Library/Application Support/StreamCanvas}. The system properties {@code streamcanvas.config.dir}
 * and {@code streamcanvas.data.dir} override them (tests, portable installs).
 */
public record AppPaths(Path configDir, Path dataDir, Path picturesDir) {

    public static AppPaths fromEnvironment() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        Path home = Path.of(System.getProperty("user.home"));
        Path config;
        Path data;
        if (os.contains("win")) {
            String appData = System.getenv("APPDATA");
            Path base = appData != null ? Path.of(appData, "StreamCanvas") : home.resolve("AppData/Roaming/StreamCanvas");
            config = base;
            data = base;
        } else if (os.contains("mac")) {
            Path base = home.resolve("Library/Application Support/StreamCanvas");
            config = base;
            data = base;
        } else {
            config = xdg("XDG_CONFIG_HOME", home.resolve(".config")).resolve("streamcanvas");
            data = xdg("XDG_DATA_HOME", home.resolve(".local/share")).resolve("streamcanvas");
        }
        config = override("streamcanvas.config.dir", config);
        data = override("streamcanvas.data.dir", data);
        Path pictures = home.resolve("Pictures");
        Path out = Files.isDirectory(pictures) ? pictures.resolve("StreamCanvas") : data.resolve("output");
        out = override("streamcanvas.output.dir", out);
        return new AppPaths(config, data, out);
    }

    private static Path xdg(String variable, Path fallback) {
        String v = System.getenv(variable);
        return v == null || v.isBlank() ? fallback : Path.of(v);
    }

    private static Path override(String property, Path fallback) {
        String v = System.getProperty(property);
        return v == null || v.isBlank() ? fallback : Path.of(v);
    }

    public Path settingsFile() {
        return configDir.resolve("settings.json");
    }

    public Path canvasAutosave() {
        return dataDir.resolve("canvas-autosave.png");
    }
}
